package org.classchain.samples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code classchain}: run a classroom peer, send a command, show a peer's status, or run a demo classroom. */
@Command(name = "classchain", mixinStandardHelpOptions = true, version = "classchain 0.1.0",
        description = "A teacher controls a classroom's computers through a small permissioned blockchain.",
        subcommands = {PeerCommand.class, SendCommand.class, StatusCommand.class, DemoCommand.class,
                VerifyCommand.class})
public final class ClassChainCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the launcher and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

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
