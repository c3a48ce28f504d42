package org.classchain;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a block carries: either the genesis configuration, or one granted batch of commands and
 * account updates together with the grant that authorizes exactly that batch.
 *
 * <p>Account updates replace the chain's record of an account of the same username (for
 * example to add a backup host's key); like commands, they need a TEACHER grant.
 *
 * @param commands the commands, in the order peers run them
 * @param accounts account records to add or replace
 * @param grant the grant for {@code commands} and {@code accounts}; null only in genesis
 * @param genesis the chain configuration; non-null only in genesis
 */
public record Payload(List<Command> commands, List<Account> accounts, Grant grant, GenesisConfig genesis) {

    /**
     * Copies the lists and checks that the payload is either a genesis or a granted batch.
     *
     * @param commands copied; no command id twice
     * @param accounts copied
     * @param grant null only in genesis
     * @param genesis null except in genesis, whose payload carries nothing else
     * @throws IllegalArgumentException when a genesis carries more, or a command id appears twice
     * @throws NullPointerException when a payload after genesis has no grant
     */
    public Payload {
        commands = List.copyOf(commands);
        accounts = List.copyOf(accounts);
        if (genesis != null) {
            if (grant != null || !commands.isEmpty() || !accounts.isEmpty()) {
                throw new IllegalArgumentException("a genesis payload carries the configuration only");
            }
        } else {
            Objects.requireNonNull(grant, "a block after genesis needs a grant");
            Set<java.util.UUID> ids = new HashSet<>();
            for (Command c : commands) {
                if (!ids.add(c.id())) {
                    throw new IllegalArgumentException("command id " + c.id() + " appears twice in one batch");
                }
            }
        }
    }

    /**
     * {@return the payload of a genesis block}
     *
     * @param config what the chain fixes
     */
    public static Payload genesis(GenesisConfig config) {
        return new Payload(List.of(), List.of(), null, config);
    }

    /**
     * {@return a granted batch of commands, with no account update}
     *
     * @param commands the commands, in the order peers run them
     * @param grant the grant for them
     */
    public static Payload granted(List<Command> commands, Grant grant) {
        return new Payload(commands, List.of(), grant, null);
    }

    /** {@return whether this is a genesis payload} */
    public boolean isGenesis() {
        return genesis != null;
    }
}
