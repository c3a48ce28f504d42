// Evaluates the package's polkit rule as polkitd would (its addRule callback called with an
// action and a subject), under Node.js: the classchain user gets exactly the power actions,
// anyone else nothing. Usage: node check-polkit-rule.js RULES-FILE
"use strict";
const fs = require("fs");
const rules = [];
const polkit = {
    Result: { YES: "yes", NO: "no", AUTH_ADMIN: "auth_admin", NOT_HANDLED: undefined },
    addRule: (f) => rules.push(f),
    log: () => {},
};
new Function("polkit", fs.readFileSync(process.argv[2], "utf8"))(polkit);
function decide(actionId, user) {
    for (const r of rules) {
        const res = r({ id: actionId, lookup: () => undefined }, { user: user, isInGroup: () => false, local: true, active: false });
        if (res !== undefined) {
            return res;
        }
    }
    return undefined;
}
const power = ["org.freedesktop.login1.manage", "org.freedesktop.login1.reboot-multiple-sessions",
    "org.freedesktop.login1.power-off-multiple-sessions", "org.freedesktop.login1.reboot",
    "org.freedesktop.login1.power-off"];
const fail = (m) => { console.error("polkit rule: " + m); process.exit(1); };
for (const a of power) {
    if (decide(a, "classchain") !== "yes") fail(a + " not granted to classchain");
    if (decide(a, "student") !== undefined) fail(a + " granted to another user");
}
for (const a of ["org.freedesktop.systemd1.manage-units", "org.freedesktop.login1.hibernate",
    "org.freedesktop.packagekit.package-install"]) {
    if (decide(a, "classchain") !== undefined) fail(a + " granted to classchain");
}
console.log("polkit rule: the classchain user may log off, power off and reboot; nothing else, no one else");
