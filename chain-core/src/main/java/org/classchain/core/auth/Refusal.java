package org.classchain.core.auth;

import org.classchain.wire.Message.Rejected;

/** A refusal travelling up to {@link AccountHost#handle}, which answers with it. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Rejected rejected;

    Refusal(Rejected rejected) {
        super(rejected.reason(), null, false, false);
        this.rejected = rejected;
    }

    static Refusal of(int code, String reason) {
        return new Refusal(Rejected.of(code, reason));
    }
}
