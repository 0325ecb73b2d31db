package ai.zkllm.program;

import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * How a {@link RoundLoop} reaches a miner: through Kafka (the client SDK) or in-process
 * ({@link LocalRunner}). One prompt out, its response back.
 */
public interface RoundTransport {

    /**
     * @throws RejectedPromptException when the miner dead-letters the prompt
     * @throws TimeoutException when no answer comes in time
     */
    EncryptedResponse roundTrip(EncryptedPrompt prompt) throws IOException, TimeoutException;
}
