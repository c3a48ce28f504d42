package org.classchain.core.peer;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.classchain.Command;
import org.classchain.NodeKey;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.identity.Ed25519Verifier;

/**
 * Decides, at a host of the teacher's account, whether a receipt is kept: it must be signed by a
 * computer this peer knows (its key verified by a handshake call-back, or hosting an account on
 * the chain), for a command on the chain that targets that computer (all students, its node id,
 * its role, or a user the roster saw signed in there). Thread-safe.
 *
 * <p>What cannot be judged yet is refused for now ({@link Verdict#LATER}), so an honest student
 * keeps the receipt in its outbox and sends it again: a command whose block has not arrived here,
 * a computer whose handshake has not completed, a user the roster has not seen there yet. What
 * can never become true is refused for good ({@link Verdict#FORGED}).
 */
final class ReceiptAdmission {

    /** What becomes of a receipt. */
    enum Verdict {
        /** Kept. */
        KEEP,
        /** Refused for now: the sender should retry. */
        LATER,
        /** Refused for good: the sender should drop it. */
        FORGED
    }

    /** A verdict and why. */
    record Judgement(Verdict verdict, String reason) {
        static Judgement keep() {
            return new Judgement(Verdict.KEEP, "");
        }

        static Judgement later(String reason) {
            return new Judgement(Verdict.LATER, reason);
        }

        static Judgement forged(String reason) {
            return new Judgement(Verdict.FORGED, reason);
        }
    }

    private final CanonicalJson json;
    private final Supplier<ChainState> chain;
    private final PeerDirectory directory;
    private final Supplier<Set<String>> ownUsers;
    private final String self;
    /** The teacher checks every student's receipt of every command: each student's key decoded once (up to 1,024 keys). */
    private final Ed25519Verifier signatures = new Ed25519Verifier(1024);

    /**
     * @param chain this peer's chain
     * @param directory the peers this one verified
     * @param ownUsers the users signed in at this peer
     * @param self this peer's node id
     */
    ReceiptAdmission(CanonicalJson json, Supplier<ChainState> chain, PeerDirectory directory,
                     Supplier<Set<String>> ownUsers, String self) {
        this.json = json;
        this.chain = chain;
        this.directory = directory;
        this.ownUsers = ownUsers;
        this.self = self;
    }

    Judgement judge(Receipt r) {
        if (!ReceiptSigner.verify(r, signatures)) {
            return Judgement.forged("not signed by the key it names");
        }
        ChainState c = chain.get();
        Optional<NodeKey> verified = self.equals(r.peerId()) ? Optional.of(r.peerKey()) : directory.keyOf(r.peerId());
        boolean hostsAccount = c.accounts().values().stream().anyMatch(a -> a.hostKeys().contains(r.peerKey()));
        if (verified.filter(r.peerKey()::equals).isEmpty() && !hostsAccount) {
            return Judgement.later("computer " + r.peerId() + " is not known here (yet): greet this peer first");
        }
        Optional<Command> command = c.heightOfCommand(r.commandId()).flatMap(c::blockAt)
                .flatMap(b -> b.payload().commands().stream().filter(x -> x.id().equals(r.commandId())).findFirst());
        if (command.isEmpty()) {
            return Judgement.later("command " + r.commandId() + " is not on this peer's chain (yet)");
        }
        Target target = command.get().target();
        Role role = c.teacherAccount().isHostedBy(r.peerId()) ? Role.TEACHER : Role.STUDENT;
        Set<String> users = self.equals(r.peerId()) ? ownUsers.get() : Set.copyOf(directory.usersOf(r.peerId()));
        if (target.matches(r.peerId(), role, users)) {
            return Judgement.keep();
        }
        if (target.kind() == Target.Kind.USERS) {
            return Judgement.later("the roster has not seen " + target.values() + " at " + r.peerId() + " (yet)");
        }
        return Judgement.forged("command " + r.commandId() + " (" + target + ") does not target " + r.peerId());
    }
}
