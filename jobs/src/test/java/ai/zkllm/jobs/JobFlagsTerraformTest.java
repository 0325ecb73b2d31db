package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * infra/terraform starts the jobs with the flags of {@code local.job_args} (jobs.tf) and the main
 * classes of {@code var.job_entry_classes} (variables.tf): each must be a job main, and each flag
 * one of that job's, with every required flag given, or the deployment fails at its first start.
 */
class JobFlagsTerraformTest {

    private static final File TERRAFORM = new File("../infra/terraform");

    /** The flags each job main reads. */
    private static final Map<Class<?>, Supplier<Object>> CONFIGS = Map.of(
            InferenceJob.class, InferenceJobConfig::new,
            ValidationJob.class, ValidationJobConfig::new,
            SettlementJob.class, SettlementJobConfig::new);

    @Test
    void everyGeneratedFlagIsAFlagOfItsJob() throws Exception {
        Map<String, String> entryClasses = get(parse("variables.tf"), "variable", "job_entry_classes", "default");
        Map<String, List<Object>> jobArgs = get(parse("jobs.tf"), "locals", "job_args");
        assertEquals(entryClasses.keySet(), jobArgs.keySet());

        for (Map.Entry<String, List<Object>> job : jobArgs.entrySet()) {
            Class<?> main = Class.forName(entryClasses.get(job.getKey()));
            assertNotNull(main.getMethod("main", String[].class), main + " has no main");
            assertTrue(CONFIGS.containsKey(main), main + ": which flags does it read?");
            CommandSpec spec = JobFlags.commandLine(main, CONFIGS.get(main).get()).getCommandSpec();
            List<String> flags = job.getValue().stream()
                    .filter(arg -> arg instanceof String s && s.startsWith("--")).map(String.class::cast).toList();
            assertTrue(flags.size() >= 3, job.getKey() + ": " + job.getValue());
            for (String flag : flags) {
                assertNotNull(spec.findOption(flag), job.getKey() + ": " + main.getSimpleName() + " has no " + flag);
            }
            for (OptionSpec option : spec.options().stream().filter(OptionSpec::required).toList()) {
                assertTrue(flags.contains(option.longestName()), job.getKey() + ": required " + option.longestName() + " missing");
            }
        }
    }

    private static Map<String, Object> parse(String file) throws Exception {
        return new HCLParser().parse(new File(TERRAFORM, file), "UTF-8");
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Map<String, Object> hcl, String... path) {
        Object node = hcl;
        for (String key : path) {
            node = ((Map<String, Object>) node).get(key);
            assertNotNull(node, String.join(".", path) + ": no " + key);
        }
        return (T) node;
    }
}
