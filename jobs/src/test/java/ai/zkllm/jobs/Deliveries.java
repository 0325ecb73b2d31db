package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The messages a topic delivered, grouped by request id, and the checks of the two delivery
 * guarantees the InferenceJob gives: exactly once (receipts) and at least once with every copy
 * alike (responses, dead letters; clients keep the first per request id).
 */
final class Deliveries<T extends Message> {
    interface Parser<T> {
        T parse(byte[] value) throws InvalidProtocolBufferException;
    }

    private final String what;
    private final Map<String, List<T>> copies = new TreeMap<>();

    /** The records' messages whose request id {@code ours} accepts. */
    Deliveries(String what, List<ConsumerRecord<String, byte[]>> records, Parser<T> parser,
               Function<T, String> requestId, Predicate<String> ours) throws InvalidProtocolBufferException {
        this.what = what;
        for (ConsumerRecord<String, byte[]> r : records) {
            T message = parser.parse(r.value());
            if (ours.test(requestId.apply(message))) {
                copies.computeIfAbsent(requestId.apply(message), id -> new ArrayList<>()).add(message);
            }
        }
    }

    static Deliveries<EncryptedResponse> responses(List<ConsumerRecord<String, byte[]>> records, Predicate<String> ours)
            throws InvalidProtocolBufferException {
        return new Deliveries<>("response", records, EncryptedResponse::parseFrom, EncryptedResponse::getRequestId, ours);
    }

    static Deliveries<WorkReceipt> receipts(List<ConsumerRecord<String, byte[]>> records, Predicate<String> ours)
            throws InvalidProtocolBufferException {
        return new Deliveries<>("receipt", records, WorkReceipt::parseFrom, WorkReceipt::getRequestId, ours);
    }

    static Deliveries<DeadLetter> deadLetters(List<ConsumerRecord<String, byte[]>> records, Predicate<String> ours)
            throws InvalidProtocolBufferException {
        return new Deliveries<>("dead letter", records, DeadLetter::parseFrom, DeadLetter::getRequestId, ours);
    }

    /** A response as a rerun of its round writes it again: the same but for when it was completed. */
    static EncryptedResponse rerunIndependent(EncryptedResponse response) {
        return response.toBuilder().clearCompletedUnixMs().build();
    }

    /** Request ids delivered. */
    Set<String> requestIds() {
        return copies.keySet();
    }

    /** The first message of each request id, as a client keeps it. */
    List<T> firstCopies() {
        return copies.values().stream().map(c -> c.get(0)).toList();
    }

    /** Messages delivered, copies included. */
    int count() {
        return copies.values().stream().mapToInt(List::size).sum();
    }

    /** One message per request in {@code asked}, none for any other. */
    void assertExactlyOnce(Set<String> asked) {
        assertEveryAskedAndNoOther(asked);
        Map<String, Integer> repeated = new TreeMap<>();
        copies.forEach((id, c) -> {
            if (c.size() > 1) {
                repeated.put(id, c.size());
            }
        });
        assertEquals(Map.of(), repeated, what + "s duplicated");
    }

    /**
     * At least one message per request in {@code asked}, none for any other, and the copies of a
     * request equal once passed through {@code comparable} (which clears what a rerun may change).
     */
    void assertAtLeastOnceAlike(Set<String> asked, UnaryOperator<T> comparable) {
        assertEveryAskedAndNoOther(asked);
        copies.forEach((id, c) -> c.forEach(copy ->
                assertEquals(comparable.apply(c.get(0)), comparable.apply(copy), what + " copies of " + id + " differ")));
    }

    private void assertEveryAskedAndNoOther(Set<String> asked) {
        Set<String> lost = new TreeSet<>(asked);
        lost.removeAll(copies.keySet());
        Set<String> unasked = new TreeSet<>(copies.keySet());
        unasked.removeAll(asked);
        assertEquals(Set.of(), lost, what + "s lost");
        assertEquals(Set.of(), unasked, what + "s for prompts never sent");
    }
}
