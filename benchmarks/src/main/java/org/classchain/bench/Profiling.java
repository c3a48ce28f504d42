package org.classchain.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A JDK Flight Recorder recording around just the measured part of a harness, when the system
 * property {@code bench.jfr} names the file to write (e.g. {@code -Dbench.jfr=catch-up.jfr});
 * otherwise nothing. Uses the JDK's "profile" settings (method samples every 10–20 ms).
 */
final class Profiling implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private Profiling(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts a recording if {@code bench.jfr} is set. */
    static Profiling start(String what) throws IOException {
        String name = System.getProperty("bench.jfr");
        if (name == null || name.isBlank()) {
            return new Profiling(null, null);
        }
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.setName(what);
            r.start();
            return new Profiling(r, Path.of(name));
        } catch (ParseException e) {
            throw new IOException("the JDK's JFR 'profile' settings do not parse", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (recording != null) {
            recording.stop();
            recording.dump(file);
            recording.close();
            System.out.println("  JFR recording written to " + file);
        }
    }
}
