package ai.zkllm.cli;

import ai.zkllm.settlement.ConsensusResult;
import ai.zkllm.settlement.EmissionSchedule;
import ai.zkllm.settlement.EpochInput;
import ai.zkllm.settlement.EpochSettlement;
import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.RewardShares;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * The JSON form of one epoch's input and of its settlement (documented in docs/settlement.md).
 * Parsing is strict: unknown fields, trailing content, nulls inside number arrays and fractional
 * ids are errors. Amounts of base units are written as strings, since they exceed what a JSON
 * reader holding numbers as doubles keeps exactly; they may be read as strings or numbers.
 * Money never passes through a double: stakes are read as integers of any size, κ and α as exact
 * decimals from their digits (a fractional stake is an error, not rounded).
 */
final class EpochJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private EpochJson() {}

    record Validator(Integer id, BigInteger stake) {}

    record Emission(BigInteger blockEmission, Long blocksPerEpoch,
            BigDecimal ownerPercent, BigDecimal minersPercent, BigDecimal validatorsPercent) {}

    record Input(Integer brain, Long epoch, List<Validator> validators, int[] miners,
            double[][] weights, double[][] previousBonds, BigDecimal kappa, BigDecimal alpha, Emission emission) {}

    /**
     * @throws JsonProcessingException when the text is not JSON of this shape
     * @throws InvalidEpochException when a required field is missing (values are checked later,
     *     by {@link ai.zkllm.settlement.Settlement#validate})
     */
    static EpochInput parse(String json) throws JsonProcessingException {
        Input input = MAPPER.readValue(json, Input.class);
        List<Validator> validators = required(input.validators(), "validators");
        int[] validatorIds = new int[validators.size()];
        BigInteger[] stakes = new BigInteger[validators.size()];
        for (int i = 0; i < validators.size(); i++) {
            Validator validator = required(validators.get(i), "validators[" + i + "]");
            validatorIds[i] = required(validator.id(), "validators[" + i + "].id");
            stakes[i] = required(validator.stake(), "validators[" + i + "].stake");
        }
        Emission emission = required(input.emission(), "emission");
        RewardShares defaults = RewardShares.DEFAULT;
        return new EpochInput(
                required(input.brain(), "brain"),
                required(input.epoch(), "epoch"),
                validatorIds,
                stakes,
                required(input.miners(), "miners"),
                required(input.weights(), "weights"),
                input.previousBonds(),
                orDefault(input.kappa(), EpochInput.DEFAULT_KAPPA),
                orDefault(input.alpha(), EpochInput.DEFAULT_ALPHA),
                new EmissionSchedule(required(emission.blockEmission(), "emission.blockEmission"),
                        orDefault(emission.blocksPerEpoch(), EmissionSchedule.DEFAULT_BLOCKS_PER_EPOCH)),
                new RewardShares(orDefault(emission.ownerPercent(), defaults.ownerPercent()),
                        orDefault(emission.minersPercent(), defaults.minersPercent()),
                        orDefault(emission.validatorsPercent(), defaults.validatorsPercent())));
    }

    static String render(EpochSettlement settlement) {
        ConsensusResult consensus = settlement.consensus();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("brain", settlement.brain());
        root.put("epoch", settlement.epoch());
        root.put("emission", settlement.emission().toString());
        root.putObject("owner").put("reward", settlement.ownerReward().toString());
        ArrayNode miners = root.putArray("miners");
        for (int j = 0; j < settlement.minerIds().length; j++) {
            miners.addObject()
                    .put("id", settlement.minerIds()[j])
                    .put("consensus", consensus.consensus()[j])
                    .put("rank", consensus.rank()[j])
                    .put("incentive", consensus.incentive()[j])
                    .put("reward", settlement.minerRewards()[j].toString());
        }
        ArrayNode validators = root.putArray("validators");
        for (int i = 0; i < settlement.validatorIds().length; i++) {
            validators.addObject()
                    .put("id", settlement.validatorIds()[i])
                    .put("dividend", consensus.dividends()[i])
                    .put("reward", settlement.validatorRewards()[i].toString());
        }
        root.set("bonds", MAPPER.valueToTree(consensus.bonds()));
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of numbers and strings always serialises", e);
        }
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidEpochException(field, "is required");
        }
        return value;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
