package ai.zkllm.operators.validation;

/** The three parts of one sampled round, joined and ready to replay. A Flink POJO. */
public class ReplayTask {
    public String requestId = "";
    public byte[] prompt = new byte[0];
    public byte[] response = new byte[0];
    public byte[] receipt = new byte[0];

    public ReplayTask() {}

    public static ReplayTask of(String requestId, byte[] prompt, byte[] response, byte[] receipt) {
        ReplayTask t = new ReplayTask();
        t.requestId = requestId;
        t.prompt = prompt;
        t.response = response;
        t.receipt = receipt;
        return t;
    }
}
