global using FluentAssertions;
global using Microsoft.Extensions.Logging;
global using NUnit.Framework;
