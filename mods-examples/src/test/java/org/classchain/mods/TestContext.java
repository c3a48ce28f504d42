package org.classchain.mods;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.spi.ModuleContext;

/** A module context with the host services a test hands in, and commands to run in it. */
final class TestContext implements ModuleContext {
    private final Map<Class<?>, Object> services = new HashMap<>();

    /** Adds a host service. */
    <T> TestContext with(Class<T> type, T service) {
        services.put(type, service);
        return this;
    }

    static Command command(String module, Map<String, String> args) {
        return new Command(UUID.randomUUID(), module, Target.all(), args, Instant.now().plusSeconds(600));
    }

    @Override
    public String nodeId() {
        return "test-node";
    }

    @Override
    public Set<String> signedInUsers() {
        return Set.of();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }
}
