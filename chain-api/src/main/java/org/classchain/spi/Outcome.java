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

    /**
     * Normalises a null detail to empty; refuses a success that was unavailable.
     *
     * @param success whether the command did what it was asked
     * @param detail null becomes empty
     * @param attachment or null
     * @param unavailable never together with {@code success}
     * @throws IllegalArgumentException when both {@code success} and {@code unavailable}
     */
    public Outcome {
        detail = detail == null ? "" : detail;
        if (success && unavailable) {
            throw new IllegalArgumentException("an outcome cannot be both a success and unavailable");
        }
    }

    /**
     * A success or failure, as before API 1.1.
     *
     * @param success whether the command did what it was asked
     * @param detail null becomes empty
     * @param attachment or null
     */
    public Outcome(boolean success, String detail, Attachment attachment) {
        this(success, detail, attachment, false);
    }

    /**
     * {@return success with a detail}
     *
     * @param detail what happened, for the teacher
     */
    public static Outcome executed(String detail) {
        return new Outcome(true, detail, null);
    }

    /**
     * {@return failure with a reason}
     *
     * @param reason what went wrong, for the teacher
     */
    public static Outcome failed(String reason) {
        return new Outcome(false, reason, null);
    }

    /**
     * {@return nothing done because this computer lacks what the command needs: an UNAVAILABLE receipt}
     *
     * @param reason what is missing, for the teacher ("no display")
     */
    public static Outcome unavailable(String reason) {
        return new Outcome(false, reason, null, true);
    }

    /**
     * {@return the same outcome carrying an attachment}
     *
     * @param newAttachment the file for the teacher
     */
    public Outcome withAttachment(Attachment newAttachment) {
        return new Outcome(success, detail, newAttachment, unavailable);
    }
}
