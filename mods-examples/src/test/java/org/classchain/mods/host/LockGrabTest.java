package org.classchain.mods.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock holds the keyboard and the mouse, as a student finds out: another X client of the same
 * display (here this JVM, as {@code xkill}, a window manager's shortcut or a student's own program
 * would) cannot grab either while the lock is up ({@code AlreadyGrabbed}), so keys and clicks
 * reach nothing else; killing the grab's process gives it back within 2 s; unlock releases both.
 * {@code xdotool} cannot tell a grab from no grab; a second client's grab can. On a real display
 * (run under {@code xvfb-run}); skipped without one.
 */
@Timeout(90)
class LockGrabTest {
    private static final Duration BACK_WITHIN = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path state;
    private AwtDesktop desktop;
    private X11Grab.Xlib x;
    private Pointer student;

    @BeforeEach
    void display() {
        assumeFalse(GraphicsEnvironment.isHeadless(), "no display: run under xvfb-run to test the lock's grab");
        x = X11Grab.xlib();
        student = x.XOpenDisplay(null);
        assertThat(student).as("the student's own X connection").isNotNull();
    }

    @AfterEach
    void end() {
        if (desktop != null) {
            desktop.close();
            desktop.unlock();
        }
        if (student != null) {
            x.XCloseDisplay(student);
        }
    }

    @Test
    void whileLockedNoOtherClientGetsTheKeyboardOrTheMouseAKilledGrabComesBackAndUnlockReleasesThem() throws Exception {
        assertThat(studentGrab()).as("before the lock the student's program may grab").isNull();

        desktop = new AwtDesktop(null, state);
        desktop.watch();
        desktop.lock(null, "Eyes on me");
        await("the lock's grab", PATIENCE, () -> studentGrab() != null);
        assertThat(studentGrab()).contains("keyboard: already grabbed by another client")
                .contains("pointer: already grabbed by another client");

        long grabber = grabPid().orElseThrow();
        ProcessHandle.of(grabber).orElseThrow().destroyForcibly(); // kill -9, as the student would
        long killedAt = System.nanoTime();
        ProcessHandle.of(grabber).ifPresent(p -> p.onExit().join());
        await("the grab back", BACK_WITHIN.plus(Duration.ofSeconds(1)),
                () -> grabPid().filter(p -> p != grabber).isPresent() && studentGrab() != null);
        System.out.printf("grab killed: held again after %.2f s%n", (System.nanoTime() - killedAt) / 1e9);

        assertThat(desktop.unlock()).isTrue();
        await("the keyboard and mouse released", PATIENCE, () -> studentGrab() == null);
        assertThat(grabPid()).isEmpty();
    }

    @Test
    void aBlackoutDoesNotGrab() throws Exception {
        desktop = new AwtDesktop(null, state);
        desktop.blackout(Duration.ofMinutes(5), "Eyes on me");
        assertThat(grabPid()).isEmpty();
        assertThat(studentGrab()).as("a blackout leaves the keyboard to the window manager").isNull();
        desktop.unblackout();
    }

    /** The student's program tries to grab both; null if it could (and lets go at once), else why not. */
    private String studentGrab() {
        String why = X11Grab.grab(x, student);
        if (why == null) {
            x.XUngrabKeyboard(student, new NativeLong(0));
            x.XUngrabPointer(student, new NativeLong(0));
            x.XFlush(student);
        }
        return why;
    }

    /**
     * The lock's grab: a process this JVM started (through the keeper), never another build's on
     * this machine. Looking at every process, the test took (and killed) another run's grab for
     * this lock's, then passed without the kill it means to survive.
     */
    private static Optional<Long> grabPid() {
        List<ProcessHandle> grabs = ProcessHandle.current().descendants().filter(p -> p.isAlive() && p.info().arguments()
                .map(a -> List.of(a).contains(X11Grab.class.getName())).orElse(false)).toList();
        return grabs.stream().map(ProcessHandle::pid).findFirst();
    }

    /** Another process's grab: nothing to wait on but trying. */
    private static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for: %s", patience, what).isNegative();
            Thread.sleep(20);
        }
    }
}
