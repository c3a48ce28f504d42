package org.classchain.http;

import java.net.URI;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * What a failed call says about its cause in a sentence: above all, a peer called in the wrong
 * scheme (plain http to a TLS peer, whose TLS alert the HTTP parser reads as garbage; https to a
 * plain one), rather than the HTTP client's internals.
 */
final class Failures {
    /** The longest cause written as it is; longer ones (the client's connection dumps) are cut. */
    static final int MAX_CHARS = 300;

    private Failures() {
    }

    /** The cause of a failed call to {@code uri}, for people. */
    static String describe(URI uri, Throwable cause) {
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String other = uri.getRawAuthority();
        if ("http".equalsIgnoreCase(uri.getScheme()) && answeredInTls(cause)) {
            return origin + " speaks https: call https://" + other + " with the classroom keystore (--tls-keystore)";
        }
        if ("https".equalsIgnoreCase(uri.getScheme()) && answeredInPlainHttp(cause)) {
            return origin + " speaks plain http, not https: call http://" + other;
        }
        String text = cause.toString();
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
    }

    /** A TLS record (alert 0x15, handshake 0x16) where an HTTP status line was expected. */
    private static boolean answeredInTls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("CNTL=0x15") || m.contains("CNTL=0x16"))) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's TLS engine reading plain text where a TLS record was expected. */
    private static boolean answeredInPlainHttp(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException && c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains("unrecognized ssl message")) {
                return true;
            }
        }
        return false;
    }
}
