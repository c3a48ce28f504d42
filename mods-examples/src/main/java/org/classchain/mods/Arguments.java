package org.classchain.mods;

/** Range checks of argument values the types of {@link org.classchain.spi.ArgumentSpec} do not cover. */
final class Arguments {

    private Arguments() {
    }

    /** A value a module refuses; its message is the FAILED receipt's detail. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code value} as a whole number in {@code [min, max]}. */
    static long integer(String name, String value, long min, long max) throws Invalid {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new Invalid("argument '" + name + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new Invalid("argument '" + name + "' must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    /** {@code value} when it has at most {@code max} characters. */
    static String text(String name, String value, int max) throws Invalid {
        if (value.length() > max) {
            throw new Invalid("argument '" + name + "' is longer than " + max + " characters");
        }
        return value;
    }
}
