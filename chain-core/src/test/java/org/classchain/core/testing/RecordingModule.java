package org.classchain.core.testing;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/** A module that counts its executions per (peer, command): what "executed exactly once" is checked against. */
public final class RecordingModule implements CommandModule {
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "record";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(ArgumentSpec.optional("n", ArgumentType.INTEGER, "0", "a number to echo"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) {
        runs.computeIfAbsent(context.nodeId() + "/" + command.id(), k -> new AtomicInteger()).incrementAndGet();
        return Outcome.executed("recorded " + argument(command, "n"));
    }

    /** How many times this peer ran this command. */
    public int runs(String nodeId, UUID commandId) {
        AtomicInteger n = runs.get(nodeId + "/" + commandId);
        return n == null ? 0 : n.get();
    }

    /** Total executions. */
    public int total() {
        return runs.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
