package org.classchain.samples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.peer.Peer;
import org.classchain.http.HttpFileTransfers;
import org.classchain.http.JettyTransport;
import org.classchain.mods.ScreenshotModule;
import org.classchain.spi.host.DesktopService;

/**
 * A teacher and some students, each a real peer on its own 127.0.0.1 port, wired as the launcher
 * wires them (host services, the console feed), with a fake screen per student so that the
 * screenshot module and the console's thumbnails and live view have something to capture on a
 * headless machine. Closes every peer.
 */
final class ConsoleClassroom implements AutoCloseable {

    static final String TEACHER = "teacher";

    Peer teacher;
    final List<Peer> students = new ArrayList<>();
    private final List<Peer> all = new ArrayList<>();
    private final Map<Peer, JettyTransport> transports = new HashMap<>();
    private final Map<Peer, HttpFileTransfers> fileTransfers = new HashMap<>();
    private final Path dir;
    private final String password;
    private final Duration tick;
    private final boolean withDesktops;
    private final java.util.function.BiConsumer<Integer, Peer.Builder> studentSetup;
    /** With {@code withDesktops}: each student's recording desktop, in the order of the students. */
    final List<RecordingDesktop> desktops = new ArrayList<>();
    /** Each student's screen, in the order of the students. */
    final List<FakeScreenDesktop> screens = new ArrayList<>();

    /**
     * @param deny for each student, the modules its policy refuses (null or "" for none)
     */
    ConsoleClassroom(Path dir, String password, String... deny) throws Exception {
        this(dir, password, Duration.ofMillis(200), deny);
    }

    /**
     * @param tick the peers' maintenance tick (the launcher's default is 1 s; 200 ms makes a test quicker)
     * @param deny for each student, the modules its policy refuses (null or "" for none)
     */
    ConsoleClassroom(Path dir, String password, Duration tick, String... deny) throws Exception {
        this(dir, password, tick, false, deny);
    }

    /**
     * @param tick the peers' maintenance tick
     * @param withDesktops whether each student gets a {@link RecordingDesktop}, so that lock,
     *                     blackout and message execute in this headless JVM as on a screen
     * @param deny for each student, the modules its policy refuses (null or "" for none)
     */
    ConsoleClassroom(Path dir, String password, Duration tick, boolean withDesktops, String... deny) throws Exception {
        this(dir, password, tick, withDesktops, null, deny);
    }

    /**
     * @param tick the peers' maintenance tick
     * @param desktopOf each student's desktop by its index (e.g. a real one on an X display of the test's own)
     * @param deny for each student, the modules its policy refuses (null or "" for none)
     */
    ConsoleClassroom(Path dir, String password, Duration tick, java.util.function.IntFunction<DesktopService> desktopOf,
            String... deny) throws Exception {
        this(dir, password, tick, false, (i, b) -> b.service(DesktopService.class, desktopOf.apply(i)), deny);
    }

    /**
     * @param tick the peers' maintenance tick
     * @param withDesktops whether each student gets a {@link RecordingDesktop}
     * @param studentSetup what else each student's builder gets (its index, the builder), or null
     * @param deny for each student, the modules its policy refuses (null or "" for none)
     */
    ConsoleClassroom(Path dir, String password, Duration tick, boolean withDesktops,
                     java.util.function.BiConsumer<Integer, Peer.Builder> studentSetup, String... deny) throws Exception {
        this.studentSetup = studentSetup;
        this.dir = dir;
        this.tick = tick;
        this.password = password;
        this.withDesktops = withDesktops;
        try {
            teacher = start(dir.resolve("teacher"), null, password, null, -1, 0);
            for (int i = 0; i < deny.length; i++) {
                students.add(start(dir.resolve("student-" + (i + 1)), teacher.address(), null, deny[i], i, 0));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Stops the teacher's peer (the console's page stays open) without starting it again. */
    void stopTeacher() {
        teacher.close();
        fileTransfers.get(teacher).close();
    }

    /** Starts the teacher's peer again from its data dir, on the same port: its console page reconnects. */
    void startTeacher() throws Exception {
        int port = java.net.URI.create(teacher.address()).getPort();
        all.remove(teacher);
        teacher = start(dir.resolve("teacher"), null, password, null, -1, port);
    }

    private Peer start(Path dir, String seed, String password, String deny, int screen, int port) throws Exception {
        // files off the chain as the launcher has them: the peer serves /api/v1/files and fetches with them
        java.util.concurrent.atomic.AtomicReference<Peer> self = new java.util.concurrent.atomic.AtomicReference<>();
        Peer.Builder b = Peer.builder();
        JettyTransport.Builder tb = JettyTransport.builder().host("127.0.0.1").port(port);
        java.util.concurrent.atomic.AtomicReference<JettyTransport> built = new java.util.concurrent.atomic.AtomicReference<>();
        HttpFileTransfers files = Launchers.addFiles(b, tb, dir, self::get, built::get);
        JettyTransport transport = tb.build();
        built.set(transport);
        b.dataDir(dir).transport(transport).difficultyBits(8)
                .tick(tick).policy(Policy.parse(deny == null || deny.isEmpty() ? null : deny, null));
        Launchers.addHostServices(b, dir, dir.resolve("inbox"));
        Launchers.addConsoleFeed(b, transport);
        // the tests run headless (java.awt.headless), where a message is UNAVAILABLE: these test the
        // console, so each computer has the demo's desktop, which prints what it would show
        b.service(DesktopService.class, new PrintedDesktop());
        if (screen >= 0) {
            b.service(ScreenshotModule.ScreenSource.class, () -> fakeScreen(screen));
            DesktopService desktop = new PrintedDesktop();
            if (withDesktops) {
                RecordingDesktop recording = new RecordingDesktop();
                desktops.add(recording);
                desktop = recording;
            }
            // the screens the console's thumbnails and live view ask for, off the chain
            FakeScreenDesktop screens = new FakeScreenDesktop(desktop, screen);
            this.screens.add(screens);
            b.service(DesktopService.class, screens);
            if (studentSetup != null) {
                studentSetup.accept(screen, b);
            }
        }
        if (seed == null) {
            b.account(TEACHER, password);
        } else {
            b.seed(seed);
        }
        Peer p = b.build();
        self.set(p);
        all.add(p);
        transports.put(p, transport);
        fileTransfers.put(p, files);
        p.start();
        files.resume();
        return p;
    }

    /** Opens the teacher's console in {@code browser} and waits until its room shows the teacher and every student. */
    void openConsole(Browser browser) {
        browser.driver.get(teacher.address() + "/");
        browser.waitFor(20).until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                org.openqa.selenium.By.id("served-by"), "TEACHER"));
        browser.waitFor(30).until(d -> d.findElements(org.openqa.selenium.By.cssSelector("#room li.peer")).size()
                == 1 + students.size()
                && d.findElements(org.openqa.selenium.By.cssSelector("#room .badge.STUDENT")).size() == students.size());
    }

    /** Opens the teacher's console as {@link #openConsole} does and signs in there as the teacher. */
    void openSignedIn(Browser browser) {
        openConsole(browser);
        browser.driver.findElement(org.openqa.selenium.By.id("username")).sendKeys(TEACHER);
        browser.driver.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
        browser.driver.findElement(org.openqa.selenium.By.id("signin-button")).click();
        browser.waitFor(30).until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
                org.openqa.selenium.By.id("session-state")));
    }

    /** Where student {@code i} (from 0) receives files. */
    Path inboxOf(int i) {
        return dir.resolve("student-" + (i + 1)).resolve("inbox");
    }

    /** The transport a peer serves on (for its event stream). */
    JettyTransport transportOf(Peer p) {
        return transports.get(p);
    }

    /** A desktop-like picture that says which student it is. */
    static BufferedImage fakeScreen(int n) {
        Color[] colours = {new Color(0x1a73e8), new Color(0x188038), new Color(0xd93025), new Color(0xf9ab00)};
        BufferedImage img = new BufferedImage(1280, 800, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(colours[n % colours.length]);
            g.fillRect(0, 0, 1280, 800);
            g.setColor(Color.WHITE);
            g.fillRect(80, 80, 1120, 560);
            g.setColor(Color.DARK_GRAY);
            g.fillRect(80, 80, 1120, 40);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 96));
            g.drawString("Student " + (n + 1), 380, 400);
        } finally {
            g.dispose();
        }
        return img;
    }

    @Override
    public void close() {
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
            HttpFileTransfers files = fileTransfers.get(all.get(i));
            if (files != null) {
                files.close();
            }
        }
    }
}
