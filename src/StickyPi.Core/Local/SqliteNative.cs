using System;
using System.Runtime.InteropServices;

namespace StickyPi.Core.Local
{
    /// <summary>
    /// The few SQLite calls a long read makes per row and column, declared on the raw statement pointer. SQLitePCLRaw
    /// declares them on its <c>sqlite3_stmt</c> SafeHandle, whose AddRef/Release around every call was a fifth of a
    /// series read's CPU (bench/RESULTS.md, "Query benchmark: the two missed targets"). The library is the one
    /// SQLitePCLRaw loads ("e_sqlite3": the module's loader resolves it for every assembly of our load context, and
    /// Windows PowerShell finds the copy it pinned by that name), so both sides see the same SQLite.
    /// Callers keep the statement alive (<see cref="SqliteStatementRow"/> holds a reference on its SafeHandle).
    /// </summary>
    internal static class SqliteNative
    {
        private const string Library = "e_sqlite3";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int sqlite3_step(IntPtr stmt);

        // A column is read as its value object (one call that looks the column up), then the value's storage class and
        // content from that object (field reads). The value is "unprotected" in SQLite's terms, which only matters on
        // a handle with a mutex: ours are opened NOMUTEX and used by one thread at a time (SqliteReadConnection).
        // These calls only read the current row (no I/O, no lock, no callback into .NET): the short calls
        // SuppressGCTransition is meant for. .NET Framework ignores the attribute.

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern IntPtr sqlite3_column_value(IntPtr stmt, int column);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern int sqlite3_value_type(IntPtr value);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern long sqlite3_value_int64(IntPtr value);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern double sqlite3_value_double(IntPtr value);

        /// <summary>
        /// The bytes of a TEXT or BLOB value in place: for TEXT, its text in the database's encoding, without the copy
        /// that <c>sqlite3_value_text</c> makes to add a terminating NUL.
        /// </summary>
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern IntPtr sqlite3_value_blob(IntPtr value);

        /// <summary>The value as NUL-terminated UTF-8 (converted, and copied, when the database is UTF-16).</summary>
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern IntPtr sqlite3_value_text(IntPtr value);

        /// <summary>Length in bytes of the value as text (call after <see cref="sqlite3_value_blob"/>).</summary>
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        [SuppressGCTransition]
        internal static extern int sqlite3_value_bytes(IntPtr value);
    }
}

namespace System.Runtime.InteropServices
{
    /// <summary>
    /// .NET 5's attribute, declared for this netstandard2.0 assembly: the runtime recognises it by its full name and
    /// then calls the native function without the GC transition (about a third of a short P/Invoke's cost).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class SuppressGCTransitionAttribute : Attribute
    {
    }
}
