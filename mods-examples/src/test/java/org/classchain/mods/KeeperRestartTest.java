package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.classchain.mods.host.AwtDesktop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a student does to the process that keeps a blackout up: {@code kill -9} it, and what a
 * restart of the peer (or the session agent) must undo: a still-valid blackout whose keeper is
 * gone comes back. On a real display (run under {@code xvfb-run}); skipped without one.
 */
@Timeout(90)
class KeeperRestartTest {
    /** The brief's bound: the keeper back within 2 s of its death. */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path state;
    private AwtDesktop desktop;
    private javax.swing.JFrame studentApp;

    /** A white window in the middle of the default screen: what the student would see. */
    @BeforeEach
    void display() throws Exception {
        assumeFalse(GraphicsEnvironment.isHeadless(), "no display: run under xvfb-run to test the keeper");
        java.awt.EventQueue.invokeAndWait(() -> {
            studentApp = new javax.swing.JFrame("student's app");
            studentApp.setUndecorated(true);
            studentApp.getContentPane().setBackground(java.awt.Color.WHITE);
            studentApp.setBounds(centre());
            studentApp.setVisible(true);
        });
        await("the student's window", PATIENCE, () -> !centreIsBlack());
    }

    @AfterEach
    void end() throws Exception {
        if (studentApp != null) {
            java.awt.EventQueue.invokeAndWait(studentApp::dispose);
        }
        if (desktop != null) {
            desktop.close();
            desktop.unblackout();
            desktop.unlock();
        }
    }

    @Test
    void aKilledKeeperIsBackWithin2sAndTheScreenBlackAgain() throws Exception {
        desktop = new AwtDesktop(null, state);
        desktop.watch();
        desktop.blackout(Duration.ofMinutes(10), "Eyes on the teacher");
        long first = keeperPid().orElseThrow();

        ProcessHandle.of(first).orElseThrow().destroyForcibly(); // kill -9, as the student would
        long killedAt = System.nanoTime();
        await("a new keeper", BACK_WITHIN, () -> keeperPid().filter(p -> p != first && alive(p)).isPresent());
        double backAfter = (System.nanoTime() - killedAt) / 1e9;
        await("the screen black again", PATIENCE, this::centreIsBlack);
        double blackAfter = (System.nanoTime() - killedAt) / 1e9;
        // the peer's status tells the teacher's room at once, not only the receipt of the next command
        await("the interruption in the desktop's health", PATIENCE, () -> desktop.health().interruptions() >= 1);
        System.out.printf("keeper killed: a new one after %.2f s, the screen black again after %.2f s%n", backAfter,
                blackAfter);
        assertThat(desktop.interruptions()).as("the restart is counted for the teacher").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStillValidLockIsRestoredWhenThePeerStartsAgain() throws Exception {
        try (AwtDesktop before = new AwtDesktop(null, state)) { // the peer before it was killed: not watching
            before.lock(null, "Locked by the teacher");
        }
        long first = keeperPid().orElseThrow();
        ProcessHandle.of(first).orElseThrow().destroyForcibly(); // the computer restarted, or the student killed it
        await("the keeper gone", PATIENCE, () -> !alive(first));

        desktop = new AwtDesktop(null, state); // the peer starts again
        desktop.watch();
        await("the lock restored", BACK_WITHIN, () -> keeperPid().filter(p -> p != first && alive(p)).isPresent());
        await("the screen black again", PATIENCE, this::centreIsBlack);
        assertThat(desktop.unlock()).as("it is a lock, ended by unlock").isTrue();
    }

    @Test
    void theStudentDeletesTheStateFileAndKillsTheKeeper() throws Exception {
        desktop = new AwtDesktop(null, state);
        desktop.watch();
        desktop.blackout(Duration.ofMinutes(10), "Eyes on the teacher");
        long first = keeperPid().orElseThrow();
        Files.delete(state.resolve("blackout.properties")); // the student's own folder
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await("a new keeper", BACK_WITHIN, () -> keeperPid().filter(p -> p != first && alive(p)).isPresent());
        await("the screen black again", PATIENCE, this::centreIsBlack);
    }

    @Test
    void anEndedBlackoutIsNotRestored() throws Exception {
        desktop = new AwtDesktop(null, state);
        desktop.watch();
        desktop.blackout(Duration.ofMinutes(10), null);
        long first = keeperPid().orElseThrow();
        assertThat(desktop.unblackout()).isTrue();
        await("the keeper gone", PATIENCE, () -> !alive(first));
        try (AwtDesktop again = new AwtDesktop(null, state)) {
            again.watch();
            await("nothing restored (no state left)", PATIENCE, () -> keeperPid().isEmpty());
        }
        assertThat(desktop.unblackout()).as("no blackout was up").isFalse();
    }

    private Optional<Long> keeperPid() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(state.resolve("blackout.properties"))) {
            p.load(r);
            return Optional.of(Long.parseLong(p.getProperty("keeper")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Rectangle centre() {
        Rectangle s = GraphicsEnvironment.getLocalGraphicsEnvironment().getDefaultScreenDevice()
                .getDefaultConfiguration().getBounds();
        return new Rectangle(s.x + s.width / 2 - 100, s.y + s.height / 2 - 100, 200, 200);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private boolean centreIsBlack() {
        try {
            Rectangle c = centre();
            BufferedImage shot = new Robot().createScreenCapture(new Rectangle(c.x + 50, c.y + 50, 40, 40));
            for (int x = 0; x < shot.getWidth(); x++) {
                for (int y = 0; y < shot.getHeight(); y++) {
                    if ((shot.getRGB(x, y) & 0xFFFFFF) != 0) {
                        return false;
                    }
                }
            }
            return true;
        } catch (java.awt.AWTException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls other processes' state: there is nothing to wait on but their files and the screen. */
    private static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for: %s", patience, what).isNegative();
            Thread.sleep(20);
        }
    }
}
