package ai.zkllm.analytics;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Types;

/**
 * The network's tables in the {@code network} namespace, created when missing (idempotent,
 * safe against a concurrent creator). Money is {@code DECIMAL(38,0)}: integer base units,
 * 10^18 per token, summed exactly by SQL. Ids are {@code BIGINT}, brains {@code INT}, epochs
 * {@code BIGINT}. Per-epoch tables are partitioned by {@code (brain, epoch)}, the unit that
 * validators append to and that settlement writes. The four settled tables carry the {@code run_id}
 * of the settlement that wrote each row; a row counts only once the {@code epochs} ledger names its
 * run (the ledger row is a settlement's single commit point, see {@link SettledViews}).
 * Documented in docs/analytics.md.
 */
public final class NetworkTables {

    public static final String REGISTRATIONS = "registrations";
    public static final String SCORES = "scores";
    public static final String CONSENSUS = "consensus";
    public static final String DIVIDENDS = "dividends";
    public static final String BONDS = "bonds";
    public static final String REWARDS = "rewards";
    public static final String EPOCHS = "epochs";
    /** The tables one settlement writes, in the order it writes them; the ledger row comes after. */
    public static final List<String> SETTLED = List.of(CONSENSUS, DIVIDENDS, BONDS, REWARDS);
    public static final String RUN_ID = "run_id";

    private static final Types.DecimalType MONEY = Types.DecimalType.of(38, 0);

    public static final Schema REGISTRATIONS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get(), "the brain; -1 when the request was unreadable"),
            optional(2, "role", Types.StringType.get(), "miner | validator"),
            required(3, "id", Types.LongType.get(), "the miner or validator id (uid) within its role"),
            optional(4, "hotkey", Types.StringType.get(), "the registrant's key or account"),
            optional(5, "stake", MONEY, "staked base units (10^18 per token)"),
            required(6, "registered_at", Types.TimestampType.withZone(), "when the registry decided"),
            required(7, "status", Types.StringType.get(), "accepted | refused"),
            optional(8, "reason", Types.StringType.get(), "why it was refused; null when accepted"));

    public static final Schema SCORES_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "validator", Types.LongType.get()),
            required(4, "miner", Types.LongType.get()),
            optional(5, "score", Types.DoubleType.get(), "the validator's quality score of the answer, in [0, 1]"),
            required(6, "weight", Types.DoubleType.get(),
                    "raw weight ≥ 0; settlement uses Σ weight per (validator, miner) in the epoch, normalised per validator"),
            required(7, "flagged_by_replay", Types.BooleanType.get(), "a bit-exact replay disagreed with the receipt"),
            optional(8, "reason", Types.StringType.get(), "why the score/flag was given"),
            optional(9, "scored_at", Types.TimestampType.withZone()));

    public static final Schema CONSENSUS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "miner", Types.LongType.get()),
            required(4, "consensus", Types.DoubleType.get(), "C: the stake-κ-quorum weight"),
            required(5, "rank", Types.DoubleType.get(), "R: Σ stake · clipped weight"),
            required(6, "incentive", Types.DoubleType.get(), "I: R normalised over the brain's miners"),
            runId(7));

    public static final Schema DIVIDENDS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "validator", Types.LongType.get()),
            required(4, "stake", MONEY, "the stake the epoch was settled with"),
            required(5, "dividend", Types.DoubleType.get(), "D: Σ bond · incentive, normalised"),
            runId(6));

    public static final Schema BONDS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "validator", Types.LongType.get()),
            required(4, "miner", Types.LongType.get()),
            required(5, "bond", Types.DoubleType.get(), "B after this epoch, in (0, 1]; absent pairs are 0"),
            runId(6));

    public static final Schema REWARDS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "role", Types.StringType.get(), "owner | miner | validator"),
            optional(4, "id", Types.LongType.get(), "miner or validator id; null for the owner"),
            required(5, "amount", MONEY, "base units (10^18 per token); an epoch's amounts sum to its emission"),
            runId(6));

    /** One row per settlement of an epoch, appended; the latest revision is the epoch's settled state. */
    public static final Schema EPOCHS_SCHEMA = new Schema(
            required(1, "brain", Types.IntegerType.get()),
            required(2, "epoch", Types.LongType.get()),
            required(3, "revision", Types.IntegerType.get(), "1 for the first settlement, +1 for each resettlement"),
            required(4, RUN_ID, Types.LongType.get(), "the run whose rows in consensus, dividends, bonds, rewards count"),
            required(5, "inputs_digest", Types.StringType.get(), "SHA-256 of the canonical inputs (stakes, weights, bonds, κ, α, emission)"),
            optional(6, "previous_digest", Types.StringType.get(), "the replaced revision's inputs_digest; null at revision 1"),
            optional(7, "reason", Types.StringType.get(), "why it was resettled (--reason); null at revision 1"),
            required(8, "settled_at", Types.TimestampType.withZone()),
            required(9, "kappa", Types.StringType.get(), "κ as the exact decimal used"),
            required(10, "alpha", Types.StringType.get(), "α as the exact decimal used"),
            required(11, "emission", MONEY, "the epoch's emission, base units"));

    /** Optional so that tables created before it existed can gain it; every settlement writes it. */
    private static Types.NestedField runId(int fieldId) {
        return optional(fieldId, RUN_ID, Types.LongType.get(), "the settlement run that wrote the row (see epochs)");
    }

    private NetworkTables() {}

    public static Map<String, Schema> schemas() {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(REGISTRATIONS, REGISTRATIONS_SCHEMA);
        schemas.put(SCORES, SCORES_SCHEMA);
        schemas.put(CONSENSUS, CONSENSUS_SCHEMA);
        schemas.put(DIVIDENDS, DIVIDENDS_SCHEMA);
        schemas.put(BONDS, BONDS_SCHEMA);
        schemas.put(REWARDS, REWARDS_SCHEMA);
        schemas.put(EPOCHS, EPOCHS_SCHEMA);
        return schemas;
    }

    public static PartitionSpec spec(String table) {
        Schema schema = schemas().get(table);
        return table.equals(REGISTRATIONS) || table.equals(EPOCHS)
                ? PartitionSpec.unpartitioned()
                : PartitionSpec.builderFor(schema).identity("brain").identity("epoch").build();
    }

    public static TableIdentifier id(String table) {
        return TableIdentifier.of(Namespace.of(NetworkCatalog.DATABASE), table);
    }

    /**
     * Creates the namespace and every missing table; an existing table gains the columns it lacks
     * (e.g. {@code run_id} in a warehouse from before the ledger) and is otherwise left as it is.
     */
    public static void ensure(Catalog catalog) {
        if (catalog instanceof SupportsNamespaces namespaces
                && !namespaces.namespaceExists(Namespace.of(NetworkCatalog.DATABASE))) {
            try {
                namespaces.createNamespace(Namespace.of(NetworkCatalog.DATABASE));
            } catch (AlreadyExistsException raced) {
                // another process created it first
            }
        }
        for (Map.Entry<String, Schema> table : schemas().entrySet()) {
            if (!catalog.tableExists(id(table.getKey()))) {
                try {
                    catalog.createTable(id(table.getKey()), table.getValue(), spec(table.getKey()),
                            Map.of(TableProperties.FORMAT_VERSION, "2"));
                } catch (AlreadyExistsException raced) {
                    // another process created it first
                }
            } else {
                Table existing = catalog.loadTable(id(table.getKey()));
                if (table.getValue().columns().stream().anyMatch(c -> existing.schema().findField(c.name()) == null)) {
                    existing.updateSchema().unionByNameWith(table.getValue()).commit();
                }
            }
        }
    }

    public static Table load(Catalog catalog, String table) {
        return catalog.loadTable(id(table));
    }
}
