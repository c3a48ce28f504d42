package org.classchain.core.files;

import java.io.IOException;

/** A file could not be fetched; the message says why in words for a receipt. What was fetched stays for a later try. */
public final class FetchException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure.
     *
     * @param message what happened, for the receipt
     */
    public FetchException(String message) {
        super(message);
    }
}
