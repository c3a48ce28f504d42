package org.classchain.core.testing;

import java.net.ConnectException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * A network topology for tests: a peer's outgoing calls reach only the addresses it is allowed
 * to (as if on separate subnets). Calls elsewhere fail like a refused connection.
 */
public final class Firewall {
    private final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();

    /** Lets {@code a} and {@code b} reach each other. */
    public void link(String a, String b) {
        allowed.computeIfAbsent(a, k -> ConcurrentHashMap.newKeySet()).add(b);
        allowed.computeIfAbsent(b, k -> ConcurrentHashMap.newKeySet()).add(a);
    }

    /** {@code inner} behind this firewall. */
    public Transport wrap(Transport inner) {
        return new ForwardingTransport(inner) {
            @Override
            public CompletableFuture<Message> send(String address, Message request) {
                if (!allowed.getOrDefault(localAddress(), Set.of()).contains(address)) {
                    return CompletableFuture.failedFuture(new ConnectException("firewalled: " + localAddress() + " -> " + address));
                }
                return super.send(address, request);
            }
        };
    }
}
