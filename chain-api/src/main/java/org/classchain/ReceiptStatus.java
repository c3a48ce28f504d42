package org.classchain;

/** What a targeted peer did with a command. */
public enum ReceiptStatus {
    /** The module ran and reported success. */
    EXECUTED,
    /** The module ran and reported failure, threw, or timed out. */
    FAILED,
    /** The peer's local policy refuses this module. */
    REFUSED,
    /** The command's {@code notAfter} had passed when the peer saw it. */
    EXPIRED,
    /** The peer has no module of that name. */
    UNKNOWN_MODULE,
    /**
     * The module ran but this computer lacks what the command needs (a display for a blackout,
     * say): nothing was done. Added in API 1.1; a receiver that does not know it sees an
     * unknown status.
     */
    UNAVAILABLE
}
