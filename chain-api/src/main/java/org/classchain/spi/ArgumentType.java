package org.classchain.spi;

import java.net.URI;
import java.util.Base64;
import java.util.Optional;

/** The type of a module argument: how it is checked and how the console draws its field. */
public enum ArgumentType {
    /** Any text. */
    STRING,
    /** A whole number (64-bit). */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** An absolute http or https URL. */
    URL,
    /** Standard base64 (RFC 4648). */
    BASE64,
    /** 64 hex digits. */
    SHA256,
    /** A comma-separated list of names. */
    LIST;

    /**
     * {@return why {@code value} is not of this type, or empty when it is}
     *
     * @param value the argument's value as a command gives it
     */
    public Optional<String> problemWith(String value) {
        try {
            switch (this) {
                case STRING, LIST -> { }
                case INTEGER -> Long.parseLong(value.trim());
                case BOOLEAN -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        return Optional.of("is not true or false");
                    }
                }
                case URL -> {
                    URI uri = new URI(value);
                    String scheme = uri.getScheme();
                    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                            || uri.getHost() == null) {
                        return Optional.of("is not an absolute http or https URL");
                    }
                }
                case BASE64 -> Base64.getDecoder().decode(value);
                case SHA256 -> {
                    if (!value.matches("[0-9a-fA-F]{64}")) {
                        return Optional.of("is not 64 hex digits");
                    }
                }
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("is not a whole number");
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URL");
        } catch (IllegalArgumentException e) {
            return Optional.of("is not base64");
        }
    }
}
