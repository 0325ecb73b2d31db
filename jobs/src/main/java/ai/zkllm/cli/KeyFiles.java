package ai.zkllm.cli;

import ai.zkllm.client.KeyFileException;
import ai.zkllm.client.SecretKeyFile;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.program.FheProgram;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The CLI's secret key files: the client's checks, each refusal with the command that fixes it. */
final class KeyFiles {
    private KeyFiles() {
    }

    /** Reads {@code key} for {@code program}; {@code model} is the user's --model, repeated in the hints. */
    static SecretKey read(Path key, FheProgram program, String model) throws IOException {
        String keysNew = "zkllm keys new" + (model == null ? "" : " --model " + model);
        try {
            return SecretKeyFile.read(key, program.parameters());
        } catch (NoSuchFileException e) {
            throw new UsageException("no secret key at " + key + "; create one with `" + keysNew
                    + (key.equals(KeysCommand.DEFAULT_KEY) ? "" : " --out " + key) + "`", e);
        } catch (KeyFileException e) {
            throw new UsageException(switch (e.problem()) {
                case EXPOSED -> e.getMessage();
                case CORRUPT -> e.getMessage() + "; replace it with `" + keysNew + " --force --out " + key + "`";
                // the key still serves its own model: make another file rather than replace it
                case OTHER_PARAMETERS -> e.getMessage() + " (model " + program.modelHash().substring(0, 16)
                        + "); make one with `zkllm keys new --model " + program.modelHash().substring(0, 16)
                        + " --out FILE` and pass --key FILE";
            }, e);
        }
    }

    /** Writes a fresh key to {@code out}; an existing one is replaced only when {@code force}. */
    static void create(Path out, FheProgram program, boolean force) throws IOException {
        if (force) {
            SecretKeyFile.replace(out, program.parameters());
            return;
        }
        try {
            SecretKeyFile.create(out, program.parameters());
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(out + " already exists; pass --force to replace it (what was encrypted under"
                    + " the old key can no longer be decrypted)", e);
        }
    }
}
