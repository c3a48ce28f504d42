package org.classchain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * How the desktop of a student's computer is doing, as its peer's status reports it to the
 * teacher's room every few seconds: whether there is a display to act on, how many session agents
 * show it (a peer run as a system service acts through one per graphical session), how often one
 * of them came back after being killed, and how often the blackout or lock up now was interrupted
 * and put back. What the teacher would otherwise learn only from the next display command's
 * receipt.
 *
 * @param display whether display commands can act now
 * @param agents the session agents connected now; 0 where the peer owns the display itself
 * @param agentRestarts how many times a session agent came back after it went away, since the peer started
 * @param lastAgentRestart when the latest of those restarts happened, or null for none
 * @param interruptions how many times the blackout or lock up now was interrupted (hidden, closed, its
 *                      X connection killed) and put back; 0 when none is up
 * @param note why there is no display ({@code no graphical session: ...}), else empty; cut to
 *             {@value #MAX_NOTE} chars (the last an ellipsis) when longer
 */
public record DesktopHealth(boolean display, int agents, int agentRestarts, Instant lastAgentRestart,
                            int interruptions, String note) {
    /** The longest {@code note} kept, in chars: a line on the teacher's card, whatever a peer's status sends. */
    public static final int MAX_NOTE = 200;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /**
     * Checks the counts.
     *
     * @param display whether display commands can act now
     * @param agents 0 or more
     * @param agentRestarts 0 or more
     * @param lastAgentRestart null for none
     * @param interruptions 0 or more
     * @param note null reads as empty; longer than {@value #MAX_NOTE} chars: cut, ending in an ellipsis
     */
    public DesktopHealth {
        if (agents < 0 || agentRestarts < 0 || interruptions < 0) {
            throw new IllegalArgumentException("negative count in a desktop's health");
        }
        note = Objects.requireNonNullElse(note, "");
        if (note.length() > MAX_NOTE) {
            // a student's peer writes its own status: a megabyte here would go to every open console
            int end = Character.isHighSurrogate(note.charAt(MAX_NOTE - 2)) ? MAX_NOTE - 2 : MAX_NOTE - 1;
            note = note.substring(0, end) + "\u2026";
        }
    }

    /**
     * What the teacher reads on the student's card: {@code no graphical session: ...},
     * {@code agent restarted 2 times (last 12:03:07)} (this computer's time zone), {@code blackout interrupted 3 times, restored},
     * joined by {@code ; }; empty when all is well.
     *
     * @return a short line, or empty
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        if (!display) {
            s.append(note.isEmpty() ? "no display" : note);
        }
        if (agentRestarts > 0) {
            s.append(s.isEmpty() ? "" : "; ").append("agent restarted ").append(times(agentRestarts));
            if (lastAgentRestart != null) {
                s.append(" (last ").append(CLOCK.format(lastAgentRestart)).append(')');
            }
        }
        if (interruptions > 0) {
            s.append(s.isEmpty() ? "" : "; ").append("blackout interrupted ").append(times(interruptions))
                    .append(", restored");
        }
        return s.toString();
    }

    private static String times(int n) {
        return n + (n == 1 ? " time" : " times");
    }
}
