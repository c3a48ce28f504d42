package org.classchain.samples;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a password comes from: {@code --password-file}, else {@code CLASSCHAIN_PASSWORD}, else a no-echo prompt. */
final class Passwords {
    private Passwords() {
    }

    static String read(Path file, String prompt) throws IOException {
        if (file != null) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new IOException("the password file " + file + " is empty");
            }
            return line;
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
