import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the topics that do not exist yet: java -cp zkllm-jobs-flink.jar Topics.java BOOTSTRAP PARTITIONS MAX_BYTES TOPIC… */
public class Topics {
    public static void main(String[] a) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", a[0]))) {
            Set<String> have = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (int i = 3; i < a.length; i++) {
                if (!have.contains(a[i])) {
                    missing.add(new NewTopic(a[i], Integer.parseInt(a[1]), (short) 1)
                            .configs(Map.of("max.message.bytes", a[2])));
                }
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            System.out.println("topics: created " + missing.size() + ", " + (a.length - 3 - missing.size()) + " already there");
        }
    }
}
