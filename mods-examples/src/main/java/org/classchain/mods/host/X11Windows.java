package org.classchain.mods.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The windows of the X display ({@code DISPLAY}) by class, through the X utilities
 * ({@code xwininfo -root -tree} for every window and its {@code WM_CLASS}, {@code xprop} for the
 * {@code _NET_WM_PID} of those that match), so that a program is found by what its windows say it
 * is. Works with or without a window manager; finds nothing without a display or without the
 * utilities ({@code x11-utils}). A window without {@code _NET_WM_PID} is not attributed.
 */
final class X11Windows {
    private static final Pattern WINDOW = Pattern.compile("^\\s*(0x[0-9a-fA-F]+) .*?:\\s+\\(\"([^\"]*)\" \"([^\"]*)\"\\)\\s+\\d+x\\d+");
    private static final Pattern PID = Pattern.compile("_NET_WM_PID = (\\d+)");
    private static final long PATIENCE_SECONDS = 5;
    private static final int MAX_OUTPUT = 4 * 1024 * 1024;
    private static final int MAX_WINDOWS = 200;

    private X11Windows() {
    }

    /** {@return the process ids that own a window whose class or instance, lower-cased, is in {@code classes}} */
    static Set<Long> owners(Set<String> classes) {
        if (classes.isEmpty() || System.getenv("DISPLAY") == null) {
            return Set.of();
        }
        List<String> ids = new ArrayList<>();
        for (String line : run("xwininfo", "-root", "-tree").split("\n")) {
            Matcher m = WINDOW.matcher(line);
            if (m.find() && (classes.contains(m.group(2).toLowerCase(Locale.ROOT))
                    || classes.contains(m.group(3).toLowerCase(Locale.ROOT))) && ids.size() < MAX_WINDOWS) {
                ids.add(m.group(1));
            }
        }
        Set<Long> pids = new LinkedHashSet<>();
        for (String id : ids) {
            Matcher m = PID.matcher(run("xprop", "-id", id, "-notype", "_NET_WM_PID"));
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** The standard output of a short-lived utility; empty when it is missing, fails or takes too long. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream in = p.getInputStream()) {
                byte[] out = in.readNBytes(MAX_OUTPUT);
                if (!p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "";
                }
                return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : "";
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return ""; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
