package dev.cairn.node;

import dev.cairn.cell.api.SecretBroker;
import dev.cairn.executor.cell.CellInference;
import dev.cairn.inference.InferenceEndpoint;
import dev.cairn.inference.InferenceEndpoints;
import dev.cairn.inference.InferenceTransport;
import dev.cairn.inference.OpenAiCompatibleBroker;
import dev.cairn.inference.OpenAiOptions;
import dev.cairn.inference.SqliteTokenBudgets;
import dev.cairn.machine.runtime.io.IoTransport;
import dev.cairn.machine.time.Clock;
import dev.cairn.store.sqlite.SqliteDatabase;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's inference, from {@code <home>/cairn.yaml}'s {@code inference} section: one {@link
 * OpenAiCompatibleBroker} (key from the home's secret store), the per-run {@link SqliteTokenBudgets}
 * in the home's database, the kernel's {@code inference} IO namespace ({@link InferenceTransport})
 * and the per-cell loopback endpoints of the in-process runner ({@link InferenceEndpoints}). Both
 * charge the same budgets, so a run's Java-API calls and its cells' calls share one budget.
 *
 * <p>The budgets live in the orchestrator's database, so everything is built by {@link #transport}
 * when the orchestrator opens it; {@link #cells()} is used afterwards.
 */
final class NodeInference implements AutoCloseable {

    private final InferenceConfig config;
    private final SecretBroker secrets;
    private volatile SqliteTokenBudgets budgets;
    private volatile OpenAiCompatibleBroker broker;
    private volatile InferenceEndpoints endpoints;

    NodeInference(InferenceConfig config, SecretBroker secrets) {
        this.config = Objects.requireNonNull(config, "config");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /** Opens the budgets in {@code db} and builds the broker; the orchestrator calls it once. */
    synchronized IoTransport transport(SqliteDatabase db) {
        if (broker != null) {
            throw new IllegalStateException("the inference transport is built once");
        }
        SqliteTokenBudgets opened = SqliteTokenBudgets.open(db, Clock.system(), config.budgetTokens());
        OpenAiOptions.Builder options = OpenAiOptions.builder(config.baseUrl(), config.model());
        config.apiKeySecret().ifPresent(name -> options.apiKey(secrets, name));
        OpenAiCompatibleBroker built = new OpenAiCompatibleBroker(options.build());
        this.budgets = opened;
        this.broker = built;
        this.endpoints = new InferenceEndpoints(built, opened, Clock.system());
        return new InferenceTransport(built, opened);
    }

    /** The port the built-in executor starts each asking cell's endpoint through. */
    CellInference cells() {
        return (cellId, runId, maxTokens) -> {
            InferenceEndpoints started = endpoints;
            if (started == null) {
                throw new IllegalStateException("the orchestrator has not opened the inference budgets");
            }
            InferenceEndpoint endpoint = started.start(cellId, runId, maxTokens);
            return new CellInference.Session() {
                @Override
                public String grant() {
                    return endpoint.grant();
                }

                @Override
                public Map<String, String> environment() {
                    return endpoint.environment();
                }

                @Override
                public String token() {
                    return endpoint.apiKey();
                }

                @Override
                public void close() {
                    endpoint.close();
                }
            };
        };
    }

    /** The per-run budgets, once the orchestrator has opened them. */
    Optional<SqliteTokenBudgets> budgets() {
        return Optional.ofNullable(budgets);
    }

    @Override
    public void close() {
        OpenAiCompatibleBroker b = broker;
        if (b != null) {
            b.close();
        }
    }
}
