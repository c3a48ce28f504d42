package org.classchain.samples;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.classchain.Account;
import org.classchain.NodeKey;
import org.classchain.Role;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classchain accounts}: the names on the chain, and the teacher's fixes: free a name a
 * student squatted (or that nobody uses), or rename an account (its computer keeps hosting it).
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
        description = "List the accounts on the chain; as the teacher, free or rename a student's name.",
        subcommands = {AccountsCommand.ListAccounts.class, AccountsCommand.Free.class, AccountsCommand.Rename.class})
final class AccountsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code accounts list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The accounts on a peer's chain.")
    static final class ListAccounts implements Callable<Integer> {
        @Option(names = "--peer", required = true, description = "URL of any peer of the classroom")
        String peer;

        @Mixin
        TlsOptions tls = new TlsOptions();

        @Override
        public Integer call() throws Exception {
            try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
                for (Account a : new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(10)).accounts(peer)) {
                    System.out.printf("%-20s %-8s %s%n", a.username(), a.role(), a.isRetired() ? "(freed)"
                            : String.join(", ", a.hostKeys().stream().map(NodeKey::nodeId).toList()));
                }
                return 0;
            }
        }
    }

    /** What free and rename share: signing in as the teacher and sending account records. */
    abstract static class TeacherChange implements Callable<Integer> {
        @Option(names = "--peer", required = true, description = "URL of any peer of the classroom")
        String peer;

        @Option(names = "--user", required = true, description = "the teacher's username")
        String user;

        @Option(names = "--password-file", description = "file whose first line is the password")
        Path passwordFile;

        @Mixin
        TlsOptions tls = new TlsOptions();

        /** The records to send, from the chain's accounts; throws with a message naming the problem. */
        abstract List<Account> records(List<Account> now);

        /** When the chain shows the change. */
        abstract Predicate<List<Account>> done();

        abstract String what();

        @Override
        public Integer call() throws Exception {
            String password = Passwords.read(passwordFile, "Password for " + user + ": ");
            try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
                TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(15));
                List<Account> records = records(client.accounts(peer));
                Message signedIn = client.signIn(peer, user, password);
                if (!(signedIn instanceof Message.AuthConfirmed)) {
                    throw new IllegalStateException("sign-in refused: " + SendCommand.describe(signedIn));
                }
                Message reply = client.updateAccounts(peer, records);
                if (!(reply instanceof Message.Submitted)) {
                    throw new IllegalStateException(what() + " refused: " + SendCommand.describe(reply));
                }
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < end) {
                    if (done().test(client.accounts(peer))) {
                        System.out.println(what() + ": done, on the chain");
                        return 0;
                    }
                    Thread.sleep(250);
                }
                System.err.println("classchain: " + what() + " was accepted but is not on the chain of " + peer
                        + " after 30 s");
                return 3;
            }
        }

        static Account live(List<Account> now, String name) {
            return now.stream().filter(a -> a.username().equals(name) && !a.isRetired()).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no account '" + name + "' on the chain"));
        }

        static boolean has(List<Account> now, Predicate<Account> p) {
            return now.stream().anyMatch(p);
        }
    }

    /** {@code accounts free NAME}. */
    @Command(name = "free", mixinStandardHelpOptions = true,
            description = "Free a student's name: nobody can sign in as it, and the computer that registers it next "
                    + "gets it (not the one it was freed from).")
    static final class Free extends TeacherChange {
        @Parameters(index = "0", description = "the name to free")
        String name;

        @Override
        List<Account> records(List<Account> now) {
            Account old = live(now, name);
            if (old.role() != Role.STUDENT) {
                throw new IllegalArgumentException("'" + name + "' is the teacher's account: it cannot be freed");
            }
            return List.of(Account.retired(name));
        }

        @Override
        Predicate<List<Account>> done() {
            return now -> has(now, a -> a.username().equals(name) && a.isRetired());
        }

        @Override
        String what() {
            return "freeing '" + name + "'";
        }
    }

    /** {@code accounts rename OLD NEW}. */
    @Command(name = "rename", mixinStandardHelpOptions = true,
            description = "Rename a student's account: its computer keeps hosting it (and asks the person's password "
                    + "again if it was restarted), the old name is freed.")
    static final class Rename extends TeacherChange {
        @Parameters(index = "0", description = "the current name")
        String from;

        @Parameters(index = "1", description = "the new name")
        String to;

        @Override
        List<Account> records(List<Account> now) {
            if (!Account.isValidUsername(to)) {
                throw new IllegalArgumentException("a username is 1-64 letters, digits, '.', '_' or '-', not '" + to + "'");
            }
            Account old = live(now, from);
            if (old.role() != Role.STUDENT) {
                throw new IllegalArgumentException("'" + from + "' is the teacher's account: it cannot be renamed");
            }
            return List.of(Account.retired(from), new Account(to, Role.STUDENT, old.hostKeys()));
        }

        @Override
        Predicate<List<Account>> done() {
            return now -> has(now, a -> a.username().equals(to) && !a.isRetired());
        }

        @Override
        String what() {
            return "renaming '" + from + "' to '" + to + "'";
        }
    }
}
