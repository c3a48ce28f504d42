package org.classchain.spi;

import org.classchain.Attachment;

/**
 * What a module reports after running a command. Becomes an EXECUTED, FAILED or UNAVAILABLE
 * receipt.
 *
 * @param success whether the command did what it was asked
 * @param detail what happened, for the teacher ("closed firefox (pid 4242)")
 * @param attachment an optional small file for the teacher, or null
 * @param unavailable whether nothing was done because this computer lacks what the command
 *     needs (no display); never together with success
 */
public record Outcome(boolean success, String detail, Attachment attachment, boolean unavailable) {

    /** Normalises a null detail to empty; refuses a success that was unavailable. */
    public Outcome {
        detail = detail == null ? "" : detail;
        if (success && unavailable) {
            throw new IllegalArgumentException("an outcome cannot be both a success and unavailable");
        }
    }

    /** A success or failure, as before API 1.1. */
    public Outcome(boolean success, String detail, Attachment attachment) {
        this(success, detail, attachment, false);
    }

    /** Success with a detail. */
    public static Outcome executed(String detail) {
        return new Outcome(true, detail, null);
    }

    /** Failure with a reason. */
    public static Outcome failed(String reason) {
        return new Outcome(false, reason, null);
    }

    /** Nothing done because this computer lacks what the command needs: an UNAVAILABLE receipt. */
    public static Outcome unavailable(String reason) {
        return new Outcome(false, reason, null, true);
    }

    /** The same outcome carrying an attachment. */
    public Outcome withAttachment(Attachment newAttachment) {
        return new Outcome(success, detail, newAttachment, unavailable);
    }
}
