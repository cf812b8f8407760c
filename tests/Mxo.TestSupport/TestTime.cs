using System.Globalization;

namespace Mxo.TestSupport;

/// <summary>
/// One time factor for every timing-sensitive test: <c>MXO_TEST_TIMEFACTOR</c> (default 1). TestKit suites put it in
/// <c>akka.test.timefactor</c>; socket tests multiply their own timeouts by it. CI on two busy cores raises it.
/// </summary>
public static class TestTime
{
    public static double Factor =>
        double.TryParse(Environment.GetEnvironmentVariable("MXO_TEST_TIMEFACTOR"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0
            ? f
            : 1;

    public static string AkkaHocon => $"akka.test.timefactor = {Factor.ToString(CultureInfo.InvariantCulture)}";

    public static TimeSpan Scaled(TimeSpan t) => t * Factor;
}
