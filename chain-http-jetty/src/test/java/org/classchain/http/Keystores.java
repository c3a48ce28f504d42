package org.classchain.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Classroom keystores for TLS tests, made by the JDK's own {@code keytool}. */
final class Keystores {

    private Keystores() {
    }

    /**
     * A PKCS12 keystore at {@code file} with one EC (P-256) key and a self-signed certificate for
     * localhost and 127.0.0.1, valid for two days.
     */
    static Path generate(Path file, String password) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "classchain",
                "-keyalg", "EC", "-groupname", "secp256r1", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", password, "-keypass", password, "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        return file;
    }
}
