package ai.zkllm.cli.squeeze;

import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.artifact.ArtifactStore;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.compile.CostModel;
import ai.zkllm.squeeze.tool.FheReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze compile}: plan a squeezed model for FHE and store the one-file artifact by hash. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Plan a squeezed model folder for FHE and store the one-file artifact by content hash.")
public final class CompileCommand implements Callable<Integer> {
    @Option(names = "--squeezed", required = true, description = "squeezed model folder (SqueezedModelIO)")
    Path squeezed;
    @Option(names = "--store", defaultValue = "artifacts", description = "artifact folder (default: ${DEFAULT-VALUE})")
    Path store;
    @Option(names = "--rtt", defaultValue = "0.1", description = "client round-trip seconds the planner weighs (default: ${DEFAULT-VALUE})")
    double rtt;
    @Option(names = "--positions", defaultValue = "1", description = "positions one token sends, the latency is planned "
            + "for: 1 for a token after the prompt, the prompt's length for its first (default: ${DEFAULT-VALUE})")
    int positions;
    @Option(names = "--cost", defaultValue = "fixed", description = "operation costs the planner weighs: fixed (the "
            + "Java N = 2^14 fit, reproducible bytes, as shipped) or measure (fit now on this machine's backend; "
            + "default: ${DEFAULT-VALUE})")
    String cost;

    @Override
    public Integer call() throws Exception {
        SqueezedModel m = SqueezedModelIO.load(squeezed);
        CostModel costs = switch (cost) {
            case "fixed" -> CostModel.JAVA_N14;
            case "measure" -> {
                RingBackend backend = RingBackends.preferred();
                System.out.println("fitting the cost model on " + backend.getClass().getSimpleName() + " ...");
                CostModel fitted = CostModel.measure(backend, 10);
                System.out.println(fitted);
                yield fitted;
            }
            default -> throw new IllegalArgumentException("--cost must be fixed or measure, got '" + cost + "'");
        };
        FheArtifact a = FheReport.compile(m, costs, rtt, positions, System.out::println);
        ArtifactStore artifacts = new ArtifactStore(store);
        String hash = artifacts.put(a);
        System.out.println("artifact " + artifacts.path(hash));
        System.out.println("hash " + hash);
        return 0;
    }
}
