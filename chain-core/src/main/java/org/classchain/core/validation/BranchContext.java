package org.classchain.core.validation;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.GenesisConfig;

/**
 * The chain as seen from one parent block: what a child of that parent is checked against.
 * Implementations answer for the branch ending at {@link #parent()}, not for the best chain.
 */
public interface BranchContext {

    /** The block a new block extends. */
    Block parent();

    /** The chain's genesis configuration. */
    GenesisConfig genesis();

    /** The accounts recorded on this branch up to and including the parent. */
    Map<String, Account> accounts();

    /** Whether a grant with this id is on this branch. */
    boolean grantUsed(UUID grantId);

    /** Whether a command with this id is on this branch. */
    boolean commandUsed(UUID commandId);

    /**
     * Node ids that became hosts of the TEACHER account on this branch by a grant issued before
     * grants were ordered (a sign-in at that computer, which may have been a student's): their
     * keys sign no ordered grant.
     */
    default Set<String> retiredTeacherHosts() {
        return Set.of();
    }
}
