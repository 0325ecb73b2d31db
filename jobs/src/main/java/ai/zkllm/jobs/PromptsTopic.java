package ai.zkllm.jobs;

import java.io.Serializable;
import picocli.CommandLine.Option;

/** The one prompts topic a miner reads and a client writes: the same flag on both sides. */
public class PromptsTopic implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--prompts-topic", description = "EncryptedPrompt topic the miner reads (default: ${DEFAULT-VALUE})")
    public String name = "zkllm.prompts";
}
