package org.classchain.samples;

import java.io.IOException;
import java.nio.file.Path;
import org.classchain.http.JettyTransport;
import picocli.CommandLine.Option;

/**
 * {@code --tls-keystore FILE --tls-password-file FILE}, shared by {@code peer}, {@code send} and
 * {@code status}: the classroom's PKCS12 keystore (one self-signed certificate, or a classroom
 * CA, copied to every peer). A peer serves HTTPS with it; every command trusts the certificates
 * in it. Without it, everything is plain HTTP.
 */
final class TlsOptions {

    @Option(names = "--tls-keystore", description = "the classroom's PKCS12 keystore: serve and call peers over HTTPS, "
            + "trusting only its certificates")
    Path keystore;

    @Option(names = "--tls-password-file", description = "file whose first line is the keystore's password "
            + "(else CLASSCHAIN_TLS_PASSWORD)")
    Path passwordFile;

    /** Whether TLS was asked for. */
    boolean enabled() {
        return keystore != null;
    }

    /** The URL scheme peers are reached by. */
    String scheme() {
        return enabled() ? "https" : "http";
    }

    /** Configures TLS on {@code b} when a keystore was given; returns {@code b}. */
    JettyTransport.Builder apply(JettyTransport.Builder b) throws IOException {
        if (keystore == null) {
            if (passwordFile != null) {
                throw new IllegalArgumentException("--tls-password-file needs --tls-keystore");
            }
            return b;
        }
        return b.tls(keystore, password());
    }

    private String password() throws IOException {
        if (passwordFile != null) {
            return LocalFiles.firstLine(passwordFile, "the TLS password file");
        }
        String env = System.getenv("CLASSCHAIN_TLS_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        throw new IllegalArgumentException("--tls-keystore needs --tls-password-file (or CLASSCHAIN_TLS_PASSWORD)");
    }
}
