/*
 * bcryptprimitives.dll for the wine of the tests: ProcessPrng only.
 *
 * Rust's standard library for Windows takes its random bytes from
 * ProcessPrng (bcryptprimitives.dll, Windows 10 and later). Debian
 * bookworm's wine 8.0 has no such DLL, so without this one every Rust .exe
 * stops at load time (c0000135). It goes into the throwaway wine prefix of
 * the tests only; the shipped rtv-sim.exe is not changed.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!RtlGenRandom(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
