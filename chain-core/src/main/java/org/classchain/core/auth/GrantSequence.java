package org.classchain.core.auth;

import java.util.UUID;
import org.classchain.Grant;

/**
 * Where a host's next grant goes in the chain's one sequence of grants: the grant it follows.
 * {@link AccountHost} asks {@link #next()} and reports {@link #issued} under one lock, so grants
 * are issued one after the other, each following the one before.
 */
public interface GrantSequence {

    /** The id of the grant the next grant follows ({@link Grant#FIRST} after the genesis block). */
    UUID next();

    /** A grant was issued following {@link #next()}'s answer. */
    void issued(Grant grant);
}
