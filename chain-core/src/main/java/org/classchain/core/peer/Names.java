package org.classchain.core.peer;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.classchain.Account;

/**
 * What a username looks like (DESIGN section 5, "Names"): the teacher's host refuses a name that
 * looks like a taken one or like the teacher's, whether a student's peer registers it or the
 * teacher renames an account to it.
 */
final class Names {

    private Names() {
    }

    /**
     * What a name looks like: lower case, without '.', '_' and '-', with the digits that pass for
     * letters read as those letters ("T3acher_" looks like "teacher", "a1ice" like "alice").
     */
    static String skeleton(String username) {
        StringBuilder b = new StringBuilder();
        for (char c : username.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '.', '_', '-' -> { }
                case '0' -> b.append('o');
                case '1', 'i' -> b.append('l');
                case '3' -> b.append('e');
                case '4' -> b.append('a');
                case '5' -> b.append('s');
                case '7' -> b.append('t');
                case '8' -> b.append('b');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Whether {@code username} looks like the teacher's name, or holds it (when that is four letters or more). */
    static boolean looksLikeTheTeacher(String username, String teacher) {
        String skeleton = skeleton(username);
        String theirs = skeleton(teacher);
        return skeleton.equals(theirs) || theirs.length() >= 4 && skeleton.contains(theirs);
    }

    /** A live account's name, other than those in {@code except}, that {@code username} looks like. */
    static Optional<String> lookalike(String username, Collection<Account> accounts, Set<String> except) {
        String skeleton = skeleton(username);
        return accounts.stream().filter(a -> !a.isRetired() && !except.contains(a.username())
                && skeleton(a.username()).equals(skeleton)).map(Account::username).findFirst();
    }
}
