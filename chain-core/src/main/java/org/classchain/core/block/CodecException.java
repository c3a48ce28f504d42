package org.classchain.core.block;

/** Bytes that are not a well-formed, canonical encoding; the message names what is wrong. */
public final class CodecException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A decoding failure with a reason for people. */
    public CodecException(String message) {
        super(message);
    }

    /** A decoding failure caused by another exception. */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
