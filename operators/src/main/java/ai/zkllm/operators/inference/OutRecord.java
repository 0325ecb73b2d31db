package ai.zkllm.operators.inference;

/** A record for one of the output topics: key (session id or request id) and serialized value. */
public class OutRecord {
    public String key = "";
    public byte[] value = new byte[0];

    public OutRecord() {
    }

    public OutRecord(String key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}
