package org.classchain;

/** What an account may do. The genesis creator's account is the only TEACHER. */
public enum Role {
    /** May obtain grants that add blocks to the chain. */
    TEACHER,
    /** Executes commands; may sign in, never grants blocks. */
    STUDENT
}
