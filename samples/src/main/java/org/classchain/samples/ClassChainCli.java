package org.classchain.samples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code classchain}: run a classroom peer, send a command, show a peer's status, enroll a teacher's
 * device, free or rename accounts, run a demo classroom, or run the session agent of an installed service.
 */
@Command(name = "classchain", mixinStandardHelpOptions = true, version = "classchain 0.1.0",
        description = "A teacher controls a classroom's computers through a small permissioned blockchain.",
        subcommands = {PeerCommand.class, SendCommand.class, StatusCommand.class, EnrollCommand.class,
                AccountsCommand.class, DemoCommand.class, VerifyCommand.class, RoomsCommand.class,
                AgentCommand.class})
public final class ClassChainCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the launcher and exits with its status. */
    public static void main(String[] args) {
        // Jetty sizes its queues by the references per cache line, and without this property asks
        // the JVM's diagnostic MBean for the pointer size: the whole JMX platform server (~60 ms
        // of every start) for one number. Compressed references (4 bytes, 16 to a 64-byte line)
        // are what a heap under 32 GB uses.
        if (System.getProperty(JETTY_REFS_PER_LINE) == null && Runtime.getRuntime().maxMemory() < (32L << 30)) {
            System.setProperty(JETTY_REFS_PER_LINE, "16");
        }
        System.exit(run(args));
    }

    private static final String JETTY_REFS_PER_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    /** Runs the launcher and returns its exit status (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new ClassChainCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("classchain: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }
}
