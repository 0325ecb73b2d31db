package ai.zkllm.operators.inference;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Parameters;
import java.io.Serializable;

/**
 * How engine objects become the opaque {@code bytes} of the zkllm.v1 inference messages and of the
 * blob store. The stream only ever sees these bytes: their SHA-256 is what receipts and blob
 * references name, so an implementation must be canonical (one object, one encoding).
 *
 * <p>Decoding is done on untrusted input: an implementation must check every length, level and
 * residue against {@code params} and throw {@link IllegalArgumentException} on anything else.
 *
 * <p>{@link SimpleFheCodec} is the stand-in; the engine's protobuf codec (ai.zkllm.fhe.io) plugs in
 * here when it lands.
 */
public interface FheCodec extends Serializable {

    byte[] encodeCiphertext(Ciphertext ciphertext);

    Ciphertext decodeCiphertext(byte[] bytes, Parameters params);

    byte[] encodeEvaluationKeys(EvaluationKeys keys);

    EvaluationKeys decodeEvaluationKeys(byte[] bytes, Parameters params);
}
