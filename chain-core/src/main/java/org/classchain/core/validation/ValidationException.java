package org.classchain.core.validation;

/** A block broke a rule. {@link #getMessage()} reads "RULE: what is wrong". */
public final class ValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Rule rule;

    /** A rejection under {@code rule} with a detail for people. */
    public ValidationException(Rule rule, String detail) {
        super(rule + ": " + detail);
        this.rule = rule;
    }

    /** The rule that was broken. */
    public Rule rule() {
        return rule;
    }
}
