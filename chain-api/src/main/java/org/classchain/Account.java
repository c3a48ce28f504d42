package org.classchain;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An account as the chain knows it: a username, its role and the node keys of the peers that
 * host its credential (the peer it was created through first, then its backups).
 *
 * <p>Grants for this account are accepted only when signed by one of {@code hostKeys}. The
 * chain holds no secret: the SRP verifier stays at the hosts.
 *
 * <p>A STUDENT account with no host keys is <em>retired</em>: the teacher freed its name, which
 * nobody can sign in as and a new registration may take. A TEACHER account always has a host.
 */
public record Account(String username, Role role, List<NodeKey> hostKeys) {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * Checks the username (1–64 of letters, digits, '.', '_', '-') and copies the key list; only a
     * STUDENT account may have no host key (retired).
     */
    public Account {
        Objects.requireNonNull(role, "role");
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("a username is 1-64 letters, digits, '.', '_' or '-': " + username);
        }
        hostKeys = List.copyOf(hostKeys);
        if (hostKeys.isEmpty() && role == Role.TEACHER) {
            throw new IllegalArgumentException("a TEACHER account needs at least one host key");
        }
    }

    /** The record that frees a STUDENT account's name: no host, so nobody signs in as it. */
    public static Account retired(String username) {
        return new Account(username, Role.STUDENT, List.of());
    }

    /** Whether this account was freed by the teacher (it has no host). */
    public boolean isRetired() {
        return hostKeys.isEmpty();
    }

    /** Whether {@code name} is a well-formed username. */
    public static boolean isValidUsername(String name) {
        return name != null && USERNAME.matcher(name).matches();
    }

    /** Whether the peer with this node id hosts this account. */
    public boolean isHostedBy(String nodeId) {
        return hostKeys.stream().anyMatch(k -> k.nodeId().equals(nodeId));
    }
}
