using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Protocol.Tests.Storage;

public sealed class DurableFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("durable-file-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Replace_writes_a_new_file_and_leaves_no_temporary_beside_it()
    {
        var path = Path.Combine(_folder.FullName, "state.json");

        DurableFile.Replace(path, "{\"n\":1}"u8);

        Assert.Equal("{\"n\":1}"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["state.json"], _folder.GetFiles().Select(file => file.Name));
    }

    [Fact]
    public void Replace_swaps_the_whole_content_even_when_the_new_one_is_shorter()
    {
        var path = Path.Combine(_folder.FullName, "state.json");
        DurableFile.Replace(path, "a much longer first version"u8);

        DurableFile.Replace(path, "short"u8);

        Assert.Equal("short"u8.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_an_error_and_leaves_nothing_behind()
    {
        var path = Path.Combine(_folder.FullName, "missing", "state.json");

        Assert.Throws<DirectoryNotFoundException>(() => DurableFile.Replace(path, "x"u8));
        Assert.Empty(_folder.GetFileSystemInfos());
    }
}
