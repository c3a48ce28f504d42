package org.classchain.spi;

import org.classchain.Attachment;

/**
 * What a module reports after running a command. Becomes an EXECUTED or FAILED receipt.
 *
 * @param success whether the command did what it was asked
 * @param detail what happened, for the teacher ("closed firefox (pid 4242)")
 * @param attachment an optional small file for the teacher, or null
 */
public record Outcome(boolean success, String detail, Attachment attachment) {

    /** Normalises a null detail to empty. */
    public Outcome {
        detail = detail == null ? "" : detail;
    }

    /** Success with a detail. */
    public static Outcome executed(String detail) {
        return new Outcome(true, detail, null);
    }

    /** Failure with a reason. */
    public static Outcome failed(String reason) {
        return new Outcome(false, reason, null);
    }

    /** The same outcome carrying an attachment. */
    public Outcome withAttachment(Attachment newAttachment) {
        return new Outcome(success, detail, newAttachment);
    }
}
