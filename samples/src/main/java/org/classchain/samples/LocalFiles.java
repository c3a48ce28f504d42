package org.classchain.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Files the launcher is told to read (password files, a file to send), refused with the reason, not just the path. */
final class LocalFiles {
    private LocalFiles() {
    }

    /**
     * The bytes of {@code file}.
     *
     * @param what what the file is, for the message: "the password file", "--file"
     * @throws IOException "cannot read WHAT FILE: no such file" (or: permission denied, it is a folder, ...)
     */
    static byte[] read(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw cannotRead(what, file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw cannotRead(what, file, "permission denied", e);
        } catch (IOException e) {
            throw cannotRead(what, file, Files.isDirectory(file) ? "it is a folder" : String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * Checks that {@code file} is a readable regular file, without reading it (it may be big).
     *
     * @throws IOException "cannot read WHAT FILE: no such file" (or: permission denied, it is a folder)
     */
    static void checkReadable(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw cannotRead(what, file, "no such file", null);
        }
        if (Files.isDirectory(file)) {
            throw cannotRead(what, file, "it is a folder", null);
        }
        if (!Files.isReadable(file)) {
            throw cannotRead(what, file, "permission denied", null);
        }
    }

    /** The first line of the UTF-8 text file {@code file}, refused when missing, unreadable or empty. */
    static String firstLine(Path file, String what) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read(file, what))).toString();
        } catch (CharacterCodingException e) {
            throw cannotRead(what, file, "it is not UTF-8 text", e);
        }
        String line = text.lines().findFirst().orElse("");
        if (line.isEmpty()) {
            throw new IOException(what + " " + file + " is empty: its first line is the password");
        }
        return line;
    }

    private static IOException cannotRead(String what, Path file, String why, Exception cause) {
        return new IOException("cannot read " + what + " " + file + ": " + why, cause);
    }
}
