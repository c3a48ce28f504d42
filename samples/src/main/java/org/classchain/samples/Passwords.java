package org.classchain.samples;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;

/** Where a password comes from: {@code --password-file}, else {@code CLASSCHAIN_PASSWORD}, else a no-echo prompt. */
final class Passwords {
    private Passwords() {
    }

    static String read(Path file, String prompt) throws IOException {
        if (file != null) {
            return LocalFiles.firstLine(file, "the password file");
        }
        String env = System.getenv("CLASSCHAIN_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        Console console = System.console();
        if (console == null) {
            throw new IOException("no password: give --password-file, set CLASSCHAIN_PASSWORD, or run in a terminal");
        }
        char[] pw = console.readPassword("%s", prompt);
        if (pw == null || pw.length == 0) {
            throw new IOException("no password was typed");
        }
        return new String(pw);
    }
}
