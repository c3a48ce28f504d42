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
 *
 * @param username the name people sign in with, unique on a chain
 * @param role what the account may do
 * @param hostKeys the node keys of the peers that host its credential, the first host first
 */
public record Account(String username, Role role, List<NodeKey> hostKeys) {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * Checks the username and copies the key list.
     *
     * @param username 1–64 of letters, digits, '.', '_' and '-'
     * @param role never null
     * @param hostKeys copied; empty only for a retired STUDENT account
     * @throws IllegalArgumentException when the username is malformed or a TEACHER account has no host
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

    /**
     * The record that frees a STUDENT account's name: no host, so nobody signs in as it.
     *
     * @param username the name to free
     * @return a retired STUDENT account
     */
    public static Account retired(String username) {
        return new Account(username, Role.STUDENT, List.of());
    }

    /** {@return whether this account was freed by the teacher (it has no host)} */
    public boolean isRetired() {
        return hostKeys.isEmpty();
    }

    /**
     * {@return whether {@code name} is a well-formed username}
     *
     * @param name any string, or null
     */
    public static boolean isValidUsername(String name) {
        return name != null && USERNAME.matcher(name).matches();
    }

    /**
     * {@return whether the peer with this node id hosts this account}
     *
     * @param nodeId a peer's node id
     */
    public boolean isHostedBy(String nodeId) {
        return hostKeys.stream().anyMatch(k -> k.nodeId().equals(nodeId));
    }
}
