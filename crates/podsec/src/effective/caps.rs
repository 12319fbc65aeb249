//! Linux capabilities: the kernel's list, each runtime's default set, and how each runtime turns
//! `capabilities.add` / `capabilities.drop` into the set a container gets.

use crate::model::Runtime;

/// Every capability of Linux 5.9 and later, in kernel order (0 to 40), without the `CAP_` prefix.
pub const ALL: [&str; 41] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
];

/// containerd's default set (also Docker's and cri-dockerd's): 14 capabilities.
pub const CONTAINERD_DEFAULT: [&str; 14] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

/// CRI-O's default set since 1.18: 9 capabilities.
pub const CRIO_DEFAULT: [&str; 9] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "KILL",
];

/// The default set of a runtime.
#[must_use]
pub fn defaults(runtime: Runtime) -> &'static [&'static str] {
    match runtime {
        Runtime::Containerd => &CONTAINERD_DEFAULT,
        Runtime::CriO => &CRIO_DEFAULT,
    }
}

/// The canonical name of a capability (`ALL` forms excluded), if the kernel knows it.
#[must_use]
pub fn known(name: &str) -> Option<&'static str> {
    index(name).and_then(|i| ALL.get(i).copied())
}

/// Where a capability the kernel knows is in [`ALL`], by any case of its name.
fn index(name: &str) -> Option<usize> {
    ALL.iter().position(|k| k.eq_ignore_ascii_case(name))
}

/// The name as people read it: upper case, without `CAP_`.
#[must_use]
pub fn display(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

/// What a runtime makes of a capabilities stanza.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Outcome<'a> {
    /// The resulting bounding set, in kernel order.
    pub set: Vec<&'static str>,
    /// Entries the runtime passes on but the OCI runtime ignores (containerd: `CAP_` prefixes and
    /// unknown names), as written.
    /// Borrowed from the lists, so that a list of 90,000 unknown names holds no copy of each.
    pub ignored: Vec<&'a str>,
    /// Entries that make the runtime fail to create the container (CRI-O: unknown names), as written.
    pub fatal: Vec<&'a str>,
}

/// A set of capabilities as bits: bit `i` is `ALL[i]`. Resolving a container's set is a few bit
/// operations, not a comparison of every name with every other (each container is resolved again
/// by every rule that reads it).
type Mask = u64;

/// Every capability.
const ALL_MASK: Mask = (1 << ALL.len()) - 1;
/// [`CONTAINERD_DEFAULT`] as bits (a test checks them).
const CONTAINERD_MASK: Mask = 0x0000_0000_a804_25fb;
/// [`CRIO_DEFAULT`] as bits (a test checks them).
const CRIO_MASK: Mask = 0x0000_0000_0000_05fb;

/// The bit of a capability the kernel knows (`ALL` forms excluded), by any case of its name.
fn bit(name: &str) -> Option<Mask> {
    index(name).map(|i| 1 << i)
}

/// The capabilities of a set, in kernel order.
fn in_kernel_order(set: Mask) -> Vec<&'static str> {
    ALL.iter()
        .enumerate()
        .filter(|&(i, _)| set >> i & 1 == 1)
        .map(|(_, c)| *c)
        .collect()
}

/// The set a runtime gives a non-privileged container with these `add` and `drop` lists.
#[must_use]
pub fn resolve<'a>(runtime: Runtime, add: &[&'a str], drop: &[&'a str]) -> Outcome<'a> {
    match runtime {
        Runtime::Containerd => containerd(add, drop),
        Runtime::CriO => crio(add, drop),
    }
}

/// containerd: `ALL` is detected in any case; every other entry becomes `"CAP_" + upper(entry)`
/// unconditionally, adds first, then drops. A name the kernel does not know (including a doubled
/// `CAP_CAP_` prefix) is passed to runc or crun, which warn and ignore it.
fn containerd<'a>(add: &[&'a str], drop: &[&'a str]) -> Outcome<'a> {
    let mut out = Outcome::default();
    let mut set = CONTAINERD_MASK;
    if add.iter().any(|a| a.eq_ignore_ascii_case("ALL")) {
        set = ALL_MASK;
    }
    if drop.iter().any(|d| d.eq_ignore_ascii_case("ALL")) {
        set = 0;
    }
    for a in add.iter().filter(|a| !a.eq_ignore_ascii_case("ALL")) {
        match bit(a) {
            Some(c) => set |= c,
            None => out.ignored.push(*a),
        }
    }
    for d in drop.iter().filter(|d| !d.eq_ignore_ascii_case("ALL")) {
        match bit(d) {
            Some(c) => set &= !c,
            None => out.ignored.push(*d),
        }
    }
    out.set = in_kernel_order(set);
    out
}

/// CRI-O: the default set is used only when neither list holds `ALL`; names are upper-cased and
/// a `CAP_` prefix (any case) is accepted; an unknown name fails container creation.
fn crio<'a>(add: &[&'a str], drop: &[&'a str]) -> Outcome<'a> {
    let mut out = Outcome::default();
    let add_all = add.iter().any(|a| a.eq_ignore_ascii_case("ALL"));
    let drop_all = drop.iter().any(|d| d.eq_ignore_ascii_case("ALL"));
    let mut set = if add_all || drop_all { 0 } else { CRIO_MASK };
    if add_all {
        set = ALL_MASK;
    }
    if drop_all {
        set = 0;
    }
    let normal = |s: &str| bit(&display(s));
    for a in add.iter().filter(|a| !a.eq_ignore_ascii_case("ALL")) {
        match normal(a) {
            Some(c) => set |= c,
            None => out.fatal.push(*a),
        }
    }
    for d in drop.iter().filter(|d| !d.eq_ignore_ascii_case("ALL")) {
        match normal(d) {
            Some(c) => set &= !c,
            None => out.fatal.push(*d),
        }
    }
    out.set = in_kernel_order(set);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(o: &Outcome) -> String {
        o.set.join(",")
    }

    #[test]
    fn containerd_prefix_is_ignored() {
        let o = resolve(Runtime::Containerd, &["CAP_NET_ADMIN", "net_admin"], &[]);
        assert_eq!(o.ignored, ["CAP_NET_ADMIN"]);
        assert!(o.set.contains(&"NET_ADMIN"));
        let o = resolve(Runtime::Containerd, &[], &["CAP_NET_RAW"]);
        assert!(o.set.contains(&"NET_RAW"), "a CAP_ drop removes nothing");
    }

    #[test]
    fn the_default_masks_are_the_default_lists() {
        let mask = |names: &[&str]| {
            names.iter().fold(0u64, |m, n| {
                m | 1
                    << ALL
                        .iter()
                        .position(|k| k == n)
                        .expect("a kernel capability")
            })
        };
        assert_eq!(
            CONTAINERD_MASK,
            mask(&CONTAINERD_DEFAULT),
            "{:#x}",
            mask(&CONTAINERD_DEFAULT)
        );
        assert_eq!(CRIO_MASK, mask(&CRIO_DEFAULT), "{:#x}", mask(&CRIO_DEFAULT));
        assert_eq!(
            in_kernel_order(CONTAINERD_MASK).len(),
            CONTAINERD_DEFAULT.len()
        );
        assert_eq!(in_kernel_order(ALL_MASK), ALL);
    }

    #[test]
    fn add_then_drop() {
        for rt in [Runtime::Containerd, Runtime::CriO] {
            let o = resolve(rt, &["NET_ADMIN"], &["NET_ADMIN"]);
            assert!(!o.set.contains(&"NET_ADMIN"), "{rt:?}");
            let o = resolve(rt, &["NET_BIND_SERVICE"], &["ALL"]);
            assert_eq!(names(&o), "NET_BIND_SERVICE", "{rt:?}");
            let o = resolve(rt, &["ALL"], &["SYS_ADMIN"]);
            assert_eq!(o.set.len(), 40, "{rt:?}");
            let o = resolve(rt, &["all", "KILL"], &["ALL"]);
            assert_eq!(names(&o), "KILL", "{rt:?}");
        }
    }

    #[test]
    fn crio_normalises_and_fails_on_unknown() {
        let o = resolve(Runtime::CriO, &["cap_net_admin", "BOGUS"], &[]);
        assert!(o.set.contains(&"NET_ADMIN"));
        assert_eq!(o.fatal, ["BOGUS"]);
        assert_eq!(resolve(Runtime::CriO, &[], &[]).set.len(), 9);
        assert_eq!(resolve(Runtime::Containerd, &[], &[]).set.len(), 14);
    }
}
